"""Données ouvertes de ``donnees/`` : CSV et dictionnaire des colonnes.

Les exports sont écrits une fois par module, à partir des données réelles et de params/2024.yml,
sans construire le rapport (la construction de bout en bout est vérifiée dans test_construction.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest
from bilan.config import RACINE
from bilan.contexte import Contexte
from bilan.exports import DATE, DICTIONNAIRE, ENTIER, EXPORTS, ecrire_exports
from conftest import PARAMS_2024, lire_csv

@pytest.fixture(scope="module")
def contexte() -> Contexte:
    return Contexte.charger(PARAMS_2024)


def _ecrire(contexte: Contexte, dossier: Path) -> list[Path]:
    return ecrire_exports(dossier, contexte.plan, contexte.statuts_mesures, contexte.statuts_livrables)


@pytest.fixture(scope="module")
def dossier(contexte, tmp_path_factory) -> Path:
    dossier = tmp_path_factory.mktemp("donnees")
    _ecrire(contexte, dossier)
    return dossier


def csv_brut(chemin: Path) -> list[list[str]]:
    """En-tête puis lignes, tels qu'écrits (sans interprétation des valeurs)."""
    import csv

    with chemin.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


# --- CSV ----------------------------------------------------------------------------------


def test_fichiers_ecrits(contexte, tmp_path):
    chemins = _ecrire(contexte, tmp_path)
    assert [p.name for p in chemins] == [e.fichier for e in EXPORTS]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in chemins)


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


def test_readme_liste_les_fichiers_de_donnees():
    readme = (RACINE / "README.md").read_text(encoding="utf-8")
    for nom in [e.fichier for e in EXPORTS]:
        assert nom in readme, nom
