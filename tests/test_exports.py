"""Données ouvertes de ``donnees/`` : CSV, dictionnaire des colonnes et classeur XLSX accessible.

Les exports sont écrits une fois par module, à partir des données réelles et de params/2024.yml,
sans construire le rapport (la construction de bout en bout est vérifiée dans test_construction.py).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bilan.classeur import FEUILLE_COUVERTURE, FEUILLE_NOTES
from bilan.config import RACINE
from bilan.contexte import Contexte
from bilan.exports import DATE, DICTIONNAIRE, ENTIER, EXPORTS, MESURES, NOM_CLASSEUR, ecrire_exports, entete_classeur
from conftest import PARAMS_2024, lire_csv

FEUILLES = [FEUILLE_COUVERTURE, FEUILLE_NOTES, "Mesures", "Livrables", "Répartition", "Dictionnaire"]


@pytest.fixture(scope="module")
def contexte() -> Contexte:
    return Contexte.charger(PARAMS_2024)


def _ecrire(contexte: Contexte, dossier: Path) -> list[Path]:
    return ecrire_exports(dossier, contexte.plan, contexte.statuts_mesures, contexte.statuts_livrables,
                          parametres=contexte.params)


@pytest.fixture(scope="module")
def dossier(contexte, tmp_path_factory) -> Path:
    dossier = tmp_path_factory.mktemp("donnees")
    _ecrire(contexte, dossier)
    return dossier


@pytest.fixture(scope="module")
def classeur(dossier):
    return load_workbook(dossier / NOM_CLASSEUR)


def csv_brut(chemin: Path) -> list[list[str]]:
    """En-tête puis lignes, tels qu'écrits (sans interprétation des valeurs)."""
    import csv

    with chemin.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


# --- CSV ----------------------------------------------------------------------------------


def test_fichiers_ecrits(contexte, tmp_path):
    chemins = _ecrire(contexte, tmp_path)
    assert [p.name for p in chemins] == [e.fichier for e in EXPORTS] + [NOM_CLASSEUR]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in chemins)


def test_sans_parametres_pas_de_classeur(contexte, tmp_path):
    """Le classeur demande les paramètres de l'édition (couverture) ; les CSV, non."""
    chemins = ecrire_exports(tmp_path, contexte.plan, contexte.statuts_mesures, contexte.statuts_livrables)
    assert [p.name for p in chemins] == [e.fichier for e in EXPORTS]


def test_budget_nombre_seul_et_enveloppe_en_colonnes(dossier):
    lignes = {l["mesure"]: l for l in lire_csv(dossier / "mesures.csv")}
    budget = ("budget_type", "budget", "budget_commun", "budget_commun_montant", "budget_commun_mesures")
    assert [lignes["1"][c] for c in budget] == ["montant", "1953200", "", "", ""]
    assert [lignes["3"][c] for c in budget] == ["partage", "", "communication", "2903063", "3 ; 4 ; 5 ; 7 ; A1 ; A2"]
    assert [lignes["9"][c] for c in budget] == ["autofinance", "", "", "", ""]
    for l in lignes.values():
        assert re.fullmatch(r"\d*", l["budget"]) and re.fullmatch(r"\d*", l["budget_commun_montant"]), l["mesure"]
        assert (l["budget"] != "") == (l["budget_type"] == "montant")
        assert (l["budget_commun"] != "") == (l["budget_type"] == "partage")
    # Total publié : montants propres + chaque enveloppe une seule fois.
    enveloppes = {l["budget_commun"]: int(l["budget_commun_montant"]) for l in lignes.values() if l["budget_commun"]}
    assert sum(int(l["budget"]) for l in lignes.values() if l["budget"]) + sum(enveloppes.values()) == 148_786_925


def test_statut_date_et_source(dossier):
    mesures = {l["mesure"]: l for l in lire_csv(dossier / "mesures.csv")}
    assert mesures["1"]["date_statut"] == "2024-09-01" and mesures["1"]["categorie"] == "en_cours"
    assert "en-tête perdu" in mesures["11"]["source_statut"]  # statut déduit : la source le dit
    assert mesures["29"]["statut"] == "Réalisée (en partie)" and mesures["29"]["categorie"] == "realise"


def test_repartition_calculee_des_memes_statuts(dossier):
    repartition = lire_csv(dossier / "repartition.csv")
    for objet, fichier in (("mesure", "mesures.csv"), ("livrable", "livrables.csv")):
        lignes = lire_csv(dossier / fichier)
        comptes = Counter(l["categorie"] for l in lignes)
        propres = [r for r in repartition if r["objet"] == objet]
        assert {r["categorie"]: int(r["nombre"]) for r in propres if int(r["nombre"])} == dict(comptes)
        assert {int(r["total"]) for r in propres} == {len(lignes)}
    publies = {(r["objet"], r["categorie"]): r["pourcentage"] for r in repartition}
    assert publies[("mesure", "realise")] == "58" and publies[("livrable", "realise")] == "59"
    assert publies[("livrable", "en_cours")] == "30"


# --- Dictionnaire -----------------------------------------------------------------------------


def test_dictionnaire_couvre_chaque_colonne_et_rien_d_autre(dossier):
    """Chaque colonne de chaque fichier exporté est au dictionnaire, et le dictionnaire ne décrit
    que des colonnes exportées, dans leur ordre."""
    dictionnaire = lire_csv(dossier / "dictionnaire.csv")
    decrites: dict[str, list[str]] = {}
    for d in dictionnaire:
        decrites.setdefault(d["fichier"], []).append(d["colonne"])
    exportes = {p.name: csv_brut(p)[0] for p in sorted(dossier.glob("*.csv"))}
    assert decrites == exportes
    assert list(exportes["dictionnaire.csv"]) == DICTIONNAIRE.noms
    for d in dictionnaire:
        vides = [k for k in ("type", "valeurs_ou_unite", "description", "source", "entete_classeur") if not d[k]]
        assert not vides, (d["fichier"], d["colonne"], vides)


def test_valeurs_conformes_au_dictionnaire(dossier):
    """Le type déclaré est tenu (entier, date), et une cellule n'est vide que si le dictionnaire
    dit ce que le vide veut dire."""
    dictionnaire = {(d["fichier"], d["colonne"]): d for d in lire_csv(dossier / "dictionnaire.csv")}
    for export in EXPORTS:
        for ligne in lire_csv(dossier / export.fichier):
            for colonne, valeur in ligne.items():
                d = dictionnaire[(export.fichier, colonne)]
                if valeur == "":
                    assert d["cellule_vide"], (export.fichier, colonne, ligne)
                elif d["type"] == ENTIER:
                    assert re.fullmatch(r"\d+", valeur), (export.fichier, colonne, valeur)
                elif d["type"] == DATE:
                    dt.date.fromisoformat(valeur)


def test_vocabulaire_des_statuts_tire_des_donnees(dossier, contexte):
    dictionnaire = {(d["fichier"], d["colonne"]): d for d in lire_csv(dossier / "dictionnaire.csv")}
    permis = dictionnaire[("livrables.csv", "statut")]["valeurs_ou_unite"].split(" | ")
    assert permis == [*contexte.plan.statuts.query("objet == 'livrable'").sort_values("ordre")["statut"], "Inconnu"]
    assert {l["statut"] for l in lire_csv(dossier / "livrables.csv")} <= set(permis)


# --- Classeur ---------------------------------------------------------------------------------


def _table(feuille):
    (table,) = feuille.tables.values()
    return table


def _valeur_csv(cellule) -> str:
    """Valeur d'une cellule du classeur écrite comme dans le CSV."""
    v = cellule.value
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    return str(v)


def test_feuilles_dans_l_ordre(classeur):
    assert classeur.sheetnames == FEUILLES
    assert classeur.active.title == FEUILLE_COUVERTURE


def test_classeur_reprend_les_csv_cellule_par_cellule(classeur, dossier):
    for export in EXPORTS:
        feuille = classeur[export.feuille]
        table = _table(feuille)
        assert table.name == export.table
        cellules = list(feuille[table.ref])
        assert [c.value for c in cellules[0]] == [entete_classeur(c) for c in export.colonnes]
        lignes = csv_brut(dossier / export.fichier)[1:]
        assert [[_valeur_csv(c) for c in rang] for rang in cellules[1:]] == lignes, export.fichier
        # Nombres et dates stockés comme tels, pas comme du texte.
        for j, colonne in enumerate(export.colonnes):
            valeurs = [rang[j].value for rang in cellules[1:] if rang[j].value is not None]
            if colonne.type == ENTIER:
                assert all(type(v) is int for v in valeurs), (export.fichier, colonne.nom)
            elif colonne.type == DATE:
                assert valeurs and all(isinstance(v, dt.datetime) for v in valeurs), (export.fichier, colonne.nom)
                assert {rang[j].number_format for rang in cellules[1:]} == {"yyyy-mm-dd"}
            else:
                assert all(isinstance(v, str) for v in valeurs), (export.fichier, colonne.nom)


def test_budget_dans_le_classeur(classeur):
    feuille = classeur["Mesures"]
    cellules = list(feuille[_table(feuille).ref])
    entetes = [c.value for c in cellules[0]]
    lignes = {r[0].value: {e: c.value for e, c in zip(entetes, r)} for r in cellules[1:]}
    budget, enveloppe = entete_classeur(MESURES.colonnes[MESURES.noms.index("budget")]), "Enveloppe partagée"
    montant = entete_classeur(MESURES.colonnes[MESURES.noms.index("budget_commun_montant")])
    assert lignes["1"][budget] == 1953200
    assert (lignes["3"][budget], lignes["3"][enveloppe], lignes["3"][montant]) == (None, "communication", 2903063)
    assert (lignes["9"][budget], lignes["9"][enveloppe], lignes["9"][montant]) == (None, None, None)


def test_chaque_feuille_de_donnees_une_table_excel_avec_en_tete(classeur):
    """Règles du guide : une table marquée par feuille, une ligne d'en-tête, en colonne A, juste
    sous le titre et les phrases d'en-tête, sans ligne vide, sans cellule fusionnée, sans filtre."""
    for nom in FEUILLES[1:]:
        feuille = classeur[nom]
        table = _table(feuille)
        assert table.headerRowCount == 1 and table.autoFilter is None, nom
        premiere = feuille[table.ref][0][0]
        assert premiere.column == 1, nom
        assert feuille["A1"].style == "Headline 1" and feuille["A1"].value, nom
        # Au-dessus de la table, une phrase par ligne en colonne A, sans ligne vide.
        assert all(feuille.cell(r, 1).value for r in range(1, premiere.row)), nom
        assert all(c.value for c in feuille[table.ref][0]), nom  # chaque en-tête a un nom
        assert len({c.value for c in feuille[table.ref][0]}) == len(feuille[table.ref][0]), nom
        for rang in feuille[table.ref][1:]:
            assert any(c.value is not None for c in rang), nom
        assert feuille.max_row == feuille[table.ref][-1][0].row, nom  # rien sous la table
        assert not feuille.merged_cells.ranges, nom
        assert feuille.freeze_panes is None, nom
    assert not classeur[FEUILLE_COUVERTURE].tables and not classeur[FEUILLE_COUVERTURE].merged_cells.ranges


def test_cellules_vides_expliquees(classeur):
    feuille = classeur["Mesures"]
    phrases = [feuille.cell(r, 1).value for r in range(2, feuille[_table(feuille).ref][0][0].row)]
    assert any("Cellule vide dans la colonne « Budget propre (dollars) »" in p.replace("\u00a0", " ") for p in phrases)


def test_couverture(classeur):
    feuille = classeur[FEUILLE_COUVERTURE]
    textes = [c.value for c in feuille["A"] if c.value is not None]
    lu = "\n".join(str(t) for t in textes).replace("\u00a0", " ").replace("\u202f", " ")
    assert textes[0].replace("\u00a0", " ") == "Deuxième rapport de mise en œuvre du PACSESM : données ouvertes (édition 2024)"
    for attendu in ("À propos de ces données", "38 mesures et des 94 livrables", "Date de référence",
                    "au 1er septembre 2024", "Édition 2024", "décembre 2024", "Source", "data/README.md",
                    "MINISTÈRE DE LA SÉCURITÉ PUBLIQUE (2024)",
                    "Contact", "infocom@msp.gouv.qc.ca", "418 646-6777", "Contenu du classeur"):
        assert attendu in lu, attendu
    assert dt.datetime(2024, 9, 1) in textes  # la date de référence, stockée comme une date
    liens = {c.hyperlink.location for c in feuille["A"] if c.hyperlink is not None}
    assert liens == {f"'{nom}'!A1" for nom in FEUILLES[1:]}
    assert classeur.properties.title == textes[0] and classeur.properties.language == "fr-CA"


def test_couverture_d_un_brouillon(tmp_path):
    """Une édition en préparation : mention de version de travail, valeurs à préciser telles quelles."""
    ctx = Contexte.charger(RACINE / "params" / "2026.yml")
    assert ctx.params.brouillon
    chemin = ecrire_exports(tmp_path, ctx.plan, ctx.statuts_mesures, ctx.statuts_livrables, parametres=ctx.params)[-1]
    textes = [c.value for c in load_workbook(chemin)[FEUILLE_COUVERTURE]["A"] if c.value is not None]
    assert any(isinstance(t, str) and t.startswith("VERSION DE TRAVAIL") for t in textes)
    assert dt.datetime(2026, 3, 31) in textes


def test_notes_citees_et_definies(classeur):
    feuille = classeur[FEUILLE_NOTES]
    cellules = list(feuille[_table(feuille).ref])
    assert [c.value for c in cellules[0]] == ["Note", "Texte de la note", "Colonnes concernées"]
    definies = {r[0].value for r in cellules[1:]}
    citees = {m for nom in FEUILLES[2:] for c in classeur[nom][_table(classeur[nom]).ref][0]
              for m in re.findall(r"\[note \d+\]", c.value)}
    assert citees == definies
    texte = " ".join(r[1].value for r in cellules[1:]).replace("\u00a0", " ")
    assert "148 786 925 $" in texte and "Réalisée et Réalisée (en partie) → Réalisées" in texte


def test_classeur_identique_d_une_ecriture_a_l_autre(contexte, tmp_path, monkeypatch):
    """Aucune date de l'horloge : ni dans les propriétés du document, ni dans l'archive ZIP."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    premier = _ecrire(contexte, tmp_path / "a")[-1].read_bytes()
    # Deux secondes plus tard : une date d'entrée ZIP prise à l'horloge changerait (pas de 2 s).
    import time

    time.sleep(2.1)
    second = _ecrire(contexte, tmp_path / "b")[-1].read_bytes()
    assert premier == second
    archive = zipfile.ZipFile(tmp_path / "a" / NOM_CLASSEUR)
    assert {i.date_time for i in archive.infolist()} == {(2024, 9, 1, 0, 0, 0)}
    proprietes = load_workbook(tmp_path / "a" / NOM_CLASSEUR).properties
    assert proprietes.created == proprietes.modified == dt.datetime(2024, 9, 1)


def test_source_date_epoch(contexte, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")  # 2025-01-01T00:00:00Z
    chemin = _ecrire(contexte, tmp_path)[-1]
    assert {i.date_time for i in zipfile.ZipFile(chemin).infolist()} == {(2025, 1, 1, 0, 0, 0)}
    assert load_workbook(chemin).properties.modified == dt.datetime(2025, 1, 1)


def test_readme_liste_les_fichiers_de_donnees():
    readme = (RACINE / "README.md").read_text(encoding="utf-8")
    for nom in [e.fichier for e in EXPORTS] + [NOM_CLASSEUR]:
        assert nom in readme, nom
