"""Collecte des statuts : classeurs préparés, remplis ici avec openpyxl, puis importés dans une copie de data/.

Les statuts saisis dans ces tests sont fictifs et ne servent qu'aux tests ; ils ne touchent
jamais data/ (fixture ``donnees`` : une copie temporaire).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Callable

import pytest
from openpyxl import load_workbook

from bilan import cli, collecte
from bilan.collecte import CollecteImpossible, CollecteInvalide, importer, preparer
from bilan.donnees import charger_plan
from bilan.edition import nouvelle_edition
from bilan.parametres import Parametres
from bilan.synthese import statuts_livrables, statuts_mesures
from conftest import PARAMS_2024, ajouter

REFERENCE = dt.date(2026, 3, 31)
ENTREE = {"statut": 9, "date": 10, "recit": 11}  # colonnes I, J, K


@pytest.fixture
def params(tmp_path: Path) -> Parametres:
    """Le brouillon 2026 tel que l'écrit « nouvelle-edition », dans un dossier temporaire."""
    dossier = tmp_path / "params"
    dossier.mkdir()
    shutil.copy2(PARAMS_2024, dossier / "2024.yml")
    return nouvelle_edition(2026, REFERENCE, dossier)


@pytest.fixture
def dossier(tmp_path: Path) -> Path:
    return tmp_path / "collecte"


def _empreinte(donnees: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in sorted(donnees.iterdir())}


def _rangs(feuille) -> dict[str, int]:
    return {feuille.cell(r, 1).value: r for r in range(2, feuille.max_row + 1) if feuille.cell(r, 1).value}


def _remplir(classeur: Path, sortie: Path, saisies: dict[str, tuple[object, object, object]],
             retoucher: Callable | None = None) -> Path:
    """Remplit les colonnes de saisie des lignes nommées par leur clé ; ``retoucher(classeur, feuille, rangs)`` abîme."""
    wb = load_workbook(classeur)
    f = wb[collecte.FEUILLE_STATUTS]
    rangs = _rangs(f)
    for cle, (statut, date, recit) in saisies.items():
        for colonne, valeur in zip(("statut", "date", "recit"), (statut, date, recit)):
            f.cell(rangs[cle], ENTREE[colonne]).value = valeur
    if retoucher is not None:
        retoucher(wb, f, rangs)
    wb.save(sortie)
    return sortie


def _classeur(params, donnees, dossier, organisation="MSP") -> Path:
    return preparer(params, donnees, dossier, organisations=[organisation])[0]


def _refuse(params, fichiers, donnees, dossier) -> list[str]:
    """L'import échoue ; data/ (la copie) reste identique à l'octet près ; renvoie les messages."""
    avant = _empreinte(donnees)
    with pytest.raises(CollecteInvalide) as exc:
        importer(params, fichiers, donnees, dossier)
    assert _empreinte(donnees) == avant
    assert not (dossier / "recits").exists()
    return [str(p) for p in exc.value.problemes]


# --- Préparer ----------------------------------------------------------------------------------


def test_un_classeur_par_porteur(params, donnees, dossier):
    fichiers = preparer(params, donnees, dossier)
    assert [f.name for f in fichiers] == [f"collecte-2026-{o}.xlsx" for o in
                                          ("DPCP", "MAMH", "MEQ", "MES", "MIFI", "MJQ", "MSP", "MSSS", "MTO", "SCF")]
    # La mesure 3, portée par le MSP et le SCF, est dans les deux classeurs, avec ses livrables.
    for nom, autre in (("MSP", "SCF"), ("SCF", "MSP")):
        f = load_workbook(dossier / f"collecte-2026-{nom}.xlsx")["Statuts"]
        rangs = _rangs(f)
        assert "mesure:3" in rangs and "livrable:3:1" in rangs
        assert f.cell(rangs["mesure:3"], 6).value == autre
    f = load_workbook(dossier / "collecte-2026-SCF.xlsx")["Statuts"]
    assert list(_rangs(f)) == ["mesure:3", "livrable:3:1", "mesure:5", "livrable:5:1", "mesure:21", "livrable:21:1",
                               "livrable:21:2", "livrable:21:3", "livrable:21:4", "mesure:31", "livrable:31:1",
                               "livrable:31:2", "livrable:31:3", "mesure:A1", "livrable:A1:1", "livrable:A1:2"]


def test_classeur_verrouille_sauf_la_saisie(params, donnees, dossier):
    wb = load_workbook(_classeur(params, donnees, dossier))
    assert wb.sheetnames == ["Instructions", "Statuts"] and wb.security.lockStructure
    f = wb["Statuts"]
    assert f.protection.sheet and wb["Instructions"].protection.sheet
    assert f.freeze_panes == "A2" and f.column_dimensions["A"].hidden
    assert [c.value for c in f[1]] == [c.entete for c in collecte.COLONNES]
    r = _rangs(f)["mesure:1"]
    assert [c.value for c in f[r]][:8] == ["mesure:1", "Mesure", "1", None,
                                           "Soutenir la réalisation de projets de recherche portant sur l'exploitation sexuelle au Québec.",
                                           None, "En cours", "2024-09-01"]
    assert [c.protection.locked for c in f[r]] == [True] * 8 + [False] * 3
    assert f.cell(r, 5).alignment.wrap_text and f.cell(r, 11).alignment.wrap_text  # intitulé et mise à jour repliés
    # Listes déroulantes : statuts de mesure sur les lignes de mesure, de livrable sur celles des livrables.
    listes = {dv.formula1: dv for dv in f.data_validations.dataValidation if dv.type == "list"}
    assert f"I{r}" in listes["statuts_mesure"].sqref and f"I{r + 1}" in listes["statuts_livrable"].sqref
    instructions = wb["Instructions"]
    for nom, attendus in (("statuts_mesure", ["Réalisée", "Réalisée (en partie)", "En cours", "À réaliser"]),
                          ("statuts_livrable", ["Réalisé", "Réalisé (récurrent)", "Réalisé (en partie)", "En cours", "À venir"])):
        ((feuille, plage),) = wb.defined_names[nom].destinations
        assert feuille == "Instructions" and [c[0].value for c in instructions[plage]] == attendus
    textes = [str(v) for rang in instructions.iter_rows(values_only=True) for v in rang if v]
    assert "MSP – Ministère de la Sécurité publique" in textes and "infocom@msp.gouv.qc.ca" in textes
    assert any("au plus tard le 31 mars 2026" in t for t in textes)


def test_statut_inconnu_sans_evenement(params, donnees, dossier):
    ajouter(donnees / "livrables.csv", mesure="1", ordre="3", livrable="Livrable ajouté pour le test")
    f = load_workbook(_classeur(params, donnees, dossier))["Statuts"]
    r = _rangs(f)["livrable:1:3"]
    assert (f.cell(r, 7).value, f.cell(r, 8).value) == ("Inconnu", None)


def test_preparer_ne_remplace_pas_un_classeur(params, donnees, dossier):
    chemin = _classeur(params, donnees, dossier)
    avant = chemin.read_bytes()
    with pytest.raises(CollecteImpossible, match="rien n'est écrit : .*collecte-2026-MSP.xlsx"):
        preparer(params, donnees, dossier, organisations=["MSP"])
    assert chemin.read_bytes() == avant
    assert preparer(params, donnees, dossier, organisations=["MSP"], remplacer=True) == [chemin]
    with pytest.raises(CollecteImpossible, match="SQ"):
        preparer(params, donnees, dossier, organisations=["SQ"])  # collaboratrice, ne porte aucune mesure


# --- Importer : réussite --------------------------------------------------------------------------

LIGNES_MESURES = "1,2026-03-31,Réalisée,collecte 2026 – MSP\n"
LIGNES_LIVRABLES = "1,1,2026-02-01,Réalisé,collecte 2026 – MSP\n1,2,2026-03-31,Réalisé,collecte 2026 – MSP\n"


# Dates sous les trois formes qu'un tableur peut rendre : date, date et heure (minuit), texte AAAA-MM-JJ.
SAISIES_MSP = {
    "mesure:1": ("Réalisée", dt.date(2026, 3, 31), "Deux rapports publiés.\n\nTransfert tenu à l'automne."),
    "livrable:1:1": ("Réalisé", dt.datetime(2026, 2, 1), None),
    "livrable:1:2": ("Réalisé", "2026-03-31", None),
    "mesure:17": (None, None, "Formation en déploiement."),
}


def _rempli_msp(params, donnees, dossier, tmp_path) -> Path:
    return _remplir(_classeur(params, donnees, dossier), tmp_path / "retour-MSP.xlsx", SAISIES_MSP)


def test_import_ajoute_les_evenements_attendus(params, donnees, dossier, tmp_path):
    avant = _empreinte(donnees)
    retour = _rempli_msp(params, donnees, dossier, tmp_path)
    bilan = importer(params, [retour], donnees, dossier)

    apres = _empreinte(donnees)
    assert apres["statuts_mesures.csv"] == avant["statuts_mesures.csv"] + LIGNES_MESURES.encode()
    assert apres["statuts_livrables.csv"] == avant["statuts_livrables.csv"] + LIGNES_LIVRABLES.encode()
    assert {k: v for k, v in apres.items() if not k.startswith("statuts_")} == {k: v for k, v in avant.items() if not k.startswith("statuts_")}
    assert [str(c) for c in bilan.ajoutes] == [
        "mesure 1 : En cours (2024-09-01) → Réalisée (2026-03-31) [MSP]",
        "livrable 1-1 : En cours (2024-09-01) → Réalisé (2026-02-01) [MSP]",
        "livrable 1-2 : À venir (2024-09-01) → Réalisé (2026-03-31) [MSP]",
    ]
    assert not list(donnees.glob(".*.tmp"))

    plan = charger_plan(donnees)
    mesures = statuts_mesures(plan, REFERENCE).set_index("mesure")
    assert mesures.loc["1", "statut"] == "Réalisée" and mesures.loc["1", "source"] == "collecte 2026 – MSP"
    assert mesures.loc["17", "statut"] == "En cours"  # mise à jour sans statut : rien d'ajouté
    livrables = statuts_livrables(plan, REFERENCE).set_index(["mesure", "ordre"])
    assert livrables.loc[("1", 1), "statut"] == livrables.loc[("1", 2), "statut"] == "Réalisé"
    assert statuts_mesures(plan, dt.date(2024, 9, 1)).set_index("mesure").loc["1", "statut"] == "En cours"  # l'historique reste

    assert sorted(p.name for p in bilan.recits) == ["mesure-1.md", "mesure-17.md"]
    recit = (dossier / "recits" / "mesure-1.md").read_text(encoding="utf-8")
    assert "## Mesure 1 — MSP" in recit and "classeur retour-MSP.xlsx, ligne 2" in recit
    assert "- Nouveau statut : Réalisée, au 2026-03-31" in recit
    assert "> Deux rapports publiés.\n>\n> Transfert tenu à l'automne." in recit
    assert "aucun (mise à jour seule)" in (dossier / "recits" / "mesure-17.md").read_text(encoding="utf-8")


def test_second_import_ne_change_rien(params, donnees, dossier, tmp_path):
    retour = _rempli_msp(params, donnees, dossier, tmp_path)
    importer(params, [retour], donnees, dossier)
    donnees_avant, recits_avant = _empreinte(donnees), _empreinte(dossier / "recits")
    bilan = importer(params, [retour], donnees, dossier)
    assert bilan.ajoutes == () and len(bilan.deja_enregistres) == 3
    assert bilan.donnees_ecrites == () and bilan.recits == ()
    assert _empreinte(donnees) == donnees_avant and _empreinte(dossier / "recits") == recits_avant


def test_lignes_vides_ignorees(params, donnees, dossier):
    avant = _empreinte(donnees)
    bilan = importer(params, [_classeur(params, donnees, dossier)], donnees, dossier)
    assert bilan.ajoutes == bilan.deja_enregistres == () and bilan.recits == ()
    assert bilan.classeurs == ((str(dossier / "collecte-2026-MSP.xlsx"), "MSP", 0),)
    assert _empreinte(donnees) == avant


def test_coporteurs_d_accord_une_seule_ligne(params, donnees, dossier, tmp_path):
    msp = _remplir(_classeur(params, donnees, dossier), tmp_path / "MSP.xlsx",
                   {"mesure:3": ("Réalisée", dt.date(2026, 3, 30), "Campagne 2025 diffusée.")})
    scf = _remplir(_classeur(params, donnees, dossier, "SCF"), tmp_path / "SCF.xlsx",
                   {"mesure:3": ("Réalisée", "2026-03-30", "Volet SCF.")})
    avant = (donnees / "statuts_mesures.csv").read_bytes()
    bilan = importer(params, [scf, msp], donnees, dossier)
    assert (donnees / "statuts_mesures.csv").read_bytes() == avant + "3,2026-03-30,Réalisée,\"collecte 2026 – MSP, SCF\"\n".encode()
    assert [c.organisations for c in bilan.ajoutes] == [("MSP", "SCF")]
    recit = (dossier / "recits" / "mesure-3.md").read_text(encoding="utf-8")
    assert recit.index("## Mesure 3 — MSP") < recit.index("## Mesure 3 — SCF")
    # Un second import du seul SCF garde l'entrée du MSP dans le fichier de relecture.
    importer(params, [scf], donnees, dossier)
    assert (dossier / "recits" / "mesure-3.md").read_text(encoding="utf-8") == recit


# --- Importer : refus -------------------------------------------------------------------------------


def _modifier(rang_cle: str, colonne: int, valeur: object) -> Callable:
    def retoucher(wb, f, rangs):
        f.cell(rangs[rang_cle], colonne).value = valeur
    return retoucher


def _supprimer(cle: str) -> Callable:
    def retoucher(wb, f, rangs):
        f.delete_rows(rangs[cle])
    return retoucher


def _ajouter_ligne(*valeurs: object) -> Callable:
    def retoucher(wb, f, rangs):
        f.append(list(valeurs))
    return retoucher


def _dupliquer(cle: str) -> Callable:
    def retoucher(wb, f, rangs):
        f.append([c.value for c in f[rangs[cle]]])
    return retoucher


# (saisies, retouche, message attendu mot pour mot ; « {f} » = chemin du classeur retourné)
CAS_REFUSES = {
    "statut inconnu": (
        {"mesure:1": ("Terminée", dt.date(2026, 3, 31), None)}, None,
        "ERREUR – {f}, feuille « Statuts », ligne 2, colonne « Nouveau statut » (I), valeur « Terminée » : statut hors du "
        "vocabulaire des mesures : Réalisée, Réalisée (en partie), En cours, À réaliser"),
    "statut de livrable sur une mesure": (
        {"mesure:1": ("Réalisé", dt.date(2026, 3, 31), None)}, None,
        "ERREUR – {f}, feuille « Statuts », ligne 2, colonne « Nouveau statut » (I), valeur « Réalisé » : statut hors du "
        "vocabulaire des mesures : Réalisée, Réalisée (en partie), En cours, À réaliser"),
    "date manquante": (
        {"livrable:1:1": ("Réalisé", None, None)}, None,
        "ERREUR – {f}, feuille « Statuts », ligne 3, colonne « Date du nouveau statut (AAAA-MM-JJ) » (J), valeur «  » : "
        "date manquante : un nouveau statut doit être daté"),
    "date mal formée": (
        {"livrable:1:1": ("Réalisé", "31/03/2026", None)}, None,
        "ERREUR – {f}, feuille « Statuts », ligne 3, colonne « Date du nouveau statut (AAAA-MM-JJ) » (J), valeur « 31/03/2026 » : "
        "date mal formée : AAAA-MM-JJ attendu, date existante"),
    "date impossible": (
        {"livrable:1:1": ("Réalisé", "2026-02-30", None)}, None,
        "ERREUR – {f}, feuille « Statuts », ligne 3, colonne « Date du nouveau statut (AAAA-MM-JJ) » (J), valeur « 2026-02-30 » : "
        "date mal formée : AAAA-MM-JJ attendu, date existante"),
    "date après la date de référence": (
        {"livrable:1:1": ("Réalisé", dt.date(2026, 4, 1), None)}, None,
        "ERREUR – {f}, feuille « Statuts », ligne 3, colonne « Date du nouveau statut (AAAA-MM-JJ) » (J), valeur « 2026-04-01 » : "
        "date postérieure à la date de référence de l'édition (2026-03-31)"),
    "date avant le dernier statut connu": (
        {"livrable:1:1": ("Réalisé", dt.date(2024, 8, 31), None)}, None,
        "ERREUR – {f}, feuille « Statuts », ligne 3, colonne « Date du nouveau statut (AAAA-MM-JJ) » (J), valeur « 2024-08-31 » : "
        "date antérieure au dernier statut connu (En cours, 2024-09-01)"),
    "autre statut le jour du dernier statut connu": (
        {"livrable:1:1": ("Réalisé", dt.date(2024, 9, 1), None)}, None,
        "ERREUR – {f}, feuille « Statuts », ligne 3, colonne « Date du nouveau statut (AAAA-MM-JJ) » (J), valeur « 2024-09-01 » : "
        "un autre statut (En cours) est déjà enregistré à cette date : donner la date où le nouveau statut a été atteint ou constaté"),
    "date sans statut": (
        {"livrable:1:1": (None, dt.date(2026, 3, 1), None)}, None,
        "ERREUR – {f}, feuille « Statuts », ligne 3, colonne « Nouveau statut » (I), valeur «  » : "
        "date sans nouveau statut : choisir le statut, ou effacer la date"),
    "intitulé verrouillé modifié": (
        {}, _modifier("livrable:1:2", 5, "Autre chose"),
        "ERREUR – {f}, feuille « Statuts », ligne 4, colonne « Intitulé » (E), valeur « Autre chose » : cellule verrouillée "
        "modifiée : « Réalisation d'activités de transfert de connaissances » attendu (valeur préparée par « collecte preparer »)"),
    "dernier statut connu modifié": (
        {}, _modifier("mesure:1", 7, "Réalisée"),
        "ERREUR – {f}, feuille « Statuts », ligne 2, colonne « Dernier statut connu » (G), valeur « Réalisée » : cellule "
        "verrouillée modifiée : « En cours » attendu (valeur préparée par « collecte preparer »)"),
    "ligne d'une mesure non portée": (
        {}, _modifier("mesure:2", 1, "mesure:6"),
        "ERREUR – {f}, feuille « Statuts », ligne 5, colonne « Clé (ne pas modifier) » (A), valeur « mesure:6 » : la mesure 6 "
        "n'est pas portée par MSP (porteurs : MIFI, data/mesures_organisations.csv) : cette ligne n'a pas sa place dans ce classeur"),
    "ligne supprimée": (
        {}, _supprimer("livrable:1:2"),
        "ERREUR – {f}, feuille « Statuts » : ligne supprimée : livrable 1-2 manque (utiliser le classeur intact préparé par "
        "« collecte preparer »)"),
    "ligne ajoutée": (
        {}, _ajouter_ligne("livrable:1:3", "Livrable", "1", 3, "Nouveau livrable", None, None, None, "En cours", "2026-03-31"),
        "ERREUR – {f}, feuille « Statuts », ligne 73, colonne « Clé (ne pas modifier) » (A), valeur « livrable:1:3 » : "
        "ligne ajoutée : le tableau ne compte que les lignes préparées par « collecte preparer »"),
    "ligne en double": (
        {}, _dupliquer("mesure:1"),
        "ERREUR – {f}, feuille « Statuts », ligne 73, colonne « Clé (ne pas modifier) » (A), valeur « mesure:1 » : "
        "ligne en double (déjà ligne 2)"),
    "cellule hors du tableau": (
        {}, _modifier("mesure:1", 12, "note"),
        "ERREUR – {f}, feuille « Statuts », ligne 2, valeur « note » : cellule hors du tableau (colonne 12) : rien ne "
        "s'écrit à droite de la dernière colonne"),
    "classeur d'une autre édition": (
        {}, lambda wb, f, rangs: wb["Instructions"].cell(5, 2, "2024"),
        "ERREUR – {f}, feuille « Instructions », colonne « Édition », valeur « 2024 » : classeur d'une autre édition : 2026 attendue"),
}


@pytest.mark.parametrize("cas", CAS_REFUSES, ids=list(CAS_REFUSES))
def test_classeur_fautif_refuse_sans_rien_ecrire(cas, params, donnees, dossier, tmp_path):
    saisies, retouche, attendu = CAS_REFUSES[cas]
    # Une ligne correcte accompagne toujours la faute : elle n'est pas écrite non plus.
    saisies = {"mesure:2": ("Réalisée", dt.date(2026, 3, 31), "Texte correct."), **saisies}
    retour = _remplir(_classeur(params, donnees, dossier), tmp_path / "retour.xlsx", saisies, retouche)
    assert attendu.format(f=retour) in _refuse(params, [retour], donnees, dossier)


def test_tous_les_problemes_d_un_coup(params, donnees, dossier, tmp_path):
    retour = _remplir(_classeur(params, donnees, dossier), tmp_path / "retour.xlsx", {
        "mesure:1": ("Terminée", "hier", None),
        "livrable:1:1": ("Réalisé", None, None),
    }, _supprimer("livrable:17:1"))
    problemes = _refuse(params, [retour], donnees, dossier)
    assert len(problemes) == 4
    assert [p.split(" : ")[1] for p in problemes] == [
        "statut hors du vocabulaire des mesures", "date mal formée", "date manquante", "ligne supprimée"]


def test_fichiers_introuvable_ou_illisible(params, donnees, dossier, tmp_path):
    faux = tmp_path / "faux.xlsx"
    faux.write_text("pas un classeur", encoding="utf-8")
    problemes = _refuse(params, [tmp_path / "absent.xlsx", faux], donnees, dossier)
    assert problemes[0] == f"ERREUR – {tmp_path / 'absent.xlsx'} : fichier introuvable"
    assert problemes[1].startswith(f"ERREUR – {faux} : fichier illisible : ce n'est pas un classeur XLSX intact")


def test_deux_classeurs_de_la_meme_organisation(params, donnees, dossier, tmp_path):
    vierge = _classeur(params, donnees, dossier)
    premier, second = _remplir(vierge, tmp_path / "a.xlsx", {}), _remplir(vierge, tmp_path / "b.xlsx", {})
    problemes = _refuse(params, [premier, second], donnees, dossier)
    assert problemes == [f"ERREUR – {second}, feuille « Instructions », colonne « Organisation porteuse », valeur « MSP » : "
                         f"deux classeurs pour la même organisation (l'autre : {premier}) : n'en importer qu'un"]


def test_coporteurs_en_desaccord(params, donnees, dossier, tmp_path):
    msp = _remplir(_classeur(params, donnees, dossier), tmp_path / "MSP.xlsx", {"livrable:3:1": ("Réalisé", dt.date(2026, 3, 30), None)})
    scf = _remplir(_classeur(params, donnees, dossier, "SCF"), tmp_path / "SCF.xlsx", {"livrable:3:1": ("Réalisé", dt.date(2026, 3, 31), None)})
    problemes = _refuse(params, [msp, scf], donnees, dossier)
    assert problemes == [
        f"ERREUR – livrable 3-1 : statuts ou dates différents selon les porteurs — {msp} (feuille « Statuts », ligne 9) : "
        f"Réalisé, 2026-03-30 ; {scf} (feuille « Statuts », ligne 3) : Réalisé, 2026-03-31 ; les porteurs doivent s'accorder"]


def test_mesure_realisee_sans_note_refusee_par_la_validation_des_donnees(params, donnees, dossier, tmp_path):
    retour = _remplir(_classeur(params, donnees, dossier), tmp_path / "retour.xlsx",
                      {"mesure:17": ("Réalisée", dt.date(2026, 3, 31), None)})
    (probleme,) = _refuse(params, [retour], donnees, dossier)
    assert probleme.startswith("ERREUR – data/statuts_mesures.csv, ligne 40, colonne « statut », valeur « Réalisée » : "
                               "la mesure 17 est « Réalisée » au 2026-03-31 alors que des livrables ne sont pas réalisés")
    assert probleme.endswith(f"ajouter une note justificative dans mesures.csv (données avec les statuts collectés ;"
                             f" ligne venue de {retour}, feuille « Statuts », ligne 41)")


def test_statut_deja_importe_autrement(params, donnees, dossier, tmp_path):
    vierge = _classeur(params, donnees, dossier)
    importer(params, [_remplir(vierge, tmp_path / "a.xlsx", {"livrable:1:1": ("Réalisé", dt.date(2026, 2, 1), None)})], donnees, dossier)
    corrige = _remplir(vierge, tmp_path / "b.xlsx", {"livrable:1:1": ("Réalisé", dt.date(2026, 3, 1), None)})
    (probleme,) = _refuse(params, [corrige], donnees, dossier)
    assert probleme == (
        "ERREUR – data/statuts_livrables.csv, ligne 96, colonne « statut », valeur « Réalisé » : livrable 1-1 : "
        "déjà importé de la collecte 2026 avec « Réalisé » au 2026-02-01 (source « collecte 2026 – MSP »), le classeur "
        f"({corrige} ligne 3) donne « Réalisé » au 2026-03-01 : pour corriger un statut importé, retirer d'abord cette ligne")


def test_ecriture_atomique_des_deux_fichiers(params, donnees, dossier, tmp_path, monkeypatch):
    """Si le second remplacement échoue, le premier fichier est rétabli : jamais d'état à moitié écrit."""
    retour = _rempli_msp(params, donnees, dossier, tmp_path)
    avant = _empreinte(donnees)
    vrai_replace = os.replace
    appels: list[str] = []

    def replace_fragile(source, cible):
        appels.append(Path(cible).name)
        if len(appels) == 2:
            raise OSError("disque plein (simulé)")
        vrai_replace(source, cible)

    monkeypatch.setattr(collecte.os, "replace", replace_fragile)
    with pytest.raises(OSError, match="disque plein"):
        importer(params, [retour], donnees, dossier)
    assert appels[:2] == ["statuts_mesures.csv", "statuts_livrables.csv"]
    assert _empreinte(donnees) == avant
    assert not list(donnees.glob(".*.tmp"))


# --- Ligne de commande ------------------------------------------------------------------------------


def test_commandes_preparer_et_importer(params, donnees, dossier, tmp_path, capsys):
    base = ["--dossier", str(dossier), "--donnees", str(donnees)]
    assert cli.main(["collecte", "preparer", str(params.fichier), "--organisation", "MSP", *base]) == 0
    assert "collecte-2026-MSP.xlsx" in capsys.readouterr().out
    vierge = dossier / "collecte-2026-MSP.xlsx"
    fautif = _remplir(vierge, tmp_path / "fautif.xlsx", {"mesure:1": ("Terminée", dt.date(2026, 3, 31), None)})
    assert cli.main(["collecte", "importer", str(params.fichier), str(fautif), *base]) == 1
    sortie = capsys.readouterr().out
    assert "valeur « Terminée » : statut hors du vocabulaire des mesures" in sortie
    assert "aucun fichier n'a été écrit, data/ est inchangé" in sortie
    bon = _remplir(vierge, tmp_path / "retour-MSP.xlsx", SAISIES_MSP)
    assert cli.main(["collecte", "importer", str(params.fichier), str(bon), *base]) == 0
    sortie = capsys.readouterr().out
    assert "3 statut(s) ajouté(s)" in sortie and "  - mesure 1 : En cours (2024-09-01) → Réalisée (2026-03-31) [MSP]" in sortie
    assert cli.main(["collecte", "importer", str(params.fichier), str(bon), *base]) == 0
    sortie = capsys.readouterr().out
    assert "Aucun changement dans les données : ces classeurs ne donnent que des statuts déjà enregistrés (3)." in sortie
    assert "Fichiers de relecture des mises à jour : inchangés." in sortie
