"""Le rapport final, de bout en bout : brouillon 2026, statuts collectés par classeur, ce qui a
changé, récit à revoir, marquage de la version de travail, versions Word.

Les statuts saisis ici sont fictifs et ne servent qu'aux tests : ils sont importés dans une
copie de data/ (fixture de module), jamais dans data/.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from pypdf import PdfReader

from bilan import collecte
from bilan import construire as construction
from bilan.config import DONNEES, NOTEBOOKS, RACINE
from bilan.relecture import chapitres_a_revoir, passages
from conftest import PARAMS_2024

PARAMS_2026 = RACINE / "params" / "2026.yml"
REFERENCE = dt.date(2026, 3, 31)


def _construire(racine: Path, params: Path, donnees: Path = DONNEES, **options) -> tuple[int, str]:
    messages: list[str] = []
    code = construction.construire(params, racine=racine, dire=messages.append, donnees=donnees, moteur="integre", **options)
    return code, "\n".join(messages)


def _pdf(dossier: Path) -> list[str]:
    return [p.extract_text() or "" for p in PdfReader(str(dossier / "rapport" / "rapport.pdf")).pages]


def _texte(element) -> str:
    """Le texte d'un élément HTML, espaces (insécables comprises) ramenées à une, apostrophes typographiques."""
    return " ".join(element.get_text(" ").split()).replace("'", "’")


def _html(dossier: Path) -> dict[str, BeautifulSoup]:
    return {p.name: BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser") for p in sorted((dossier / "rapport").glob("*.html"))}


@pytest.fixture(scope="module")
def brouillon_2026(tmp_path_factory):
    """params/2026.yml (brouillon du dépôt) construit sans nouveau statut : ceux de 2024."""
    racine = tmp_path_factory.mktemp("_build_2026")
    code, journal = _construire(racine, PARAMS_2026)
    return {"code": code, "journal": journal, "dossier": racine / "2026"}


def test_le_brouillon_2026_se_construit_et_le_dit(brouillon_2026):
    assert brouillon_2026["code"] == construction.OK, brouillon_2026["journal"][-3000:]
    journal = brouillon_2026["journal"]
    assert "aucun statut n'est daté après le 2024-09-01" in journal
    assert "à préciser avant de passer l'édition à « etat: final »" in journal
    assert "récit à revoir pour l'édition 2026 dans 13 chapitre(s)" in journal
    assert "« plus de la moitié »" in journal and "« il y a deux ans »" in journal


def test_version_de_travail_sur_chaque_page(brouillon_2026):
    textes = _pdf(brouillon_2026["dossier"])
    assert all("VERSION DE TRAVAIL" in t for t in textes), [i + 1 for i, t in enumerate(textes) if "VERSION DE TRAVAIL" not in t]
    assert re.search(r"construite le \d+(er)? \w+ \d{4} – (commit [0-9a-f]{7}|hors d)", textes[0])
    assert "aucun statut daté après le 1er septembre 2024" in " ".join(textes[0].split())
    for nom, soupe in _html(brouillon_2026["dossier"]).items():
        bandeau = soupe.find(class_="bandeau-brouillon")
        assert bandeau is not None and "VERSION DE TRAVAIL" in bandeau.get_text(), nom


def test_valeurs_a_preciser_montrees_jamais_devinees(brouillon_2026):
    textes = [" ".join(t.split()) for t in _pdf(brouillon_2026["dossier"])]
    assert "À PRÉCISER : mois de dépôt" in textes[0]
    assert "À PRÉCISER : ISBN de la version imprimée" in textes[1]
    # Le mois de dépôt inconnu n'est pas remplacé par le mois courant (babel le ferait).
    aujourd_hui = dt.date.today()
    from bilan.francais import mois_annee

    assert f"Assemblée nationale en {mois_annee(aujourd_hui)}" not in " ".join(textes[:2])


def test_notes_de_relecture_dans_le_brouillon(brouillon_2026):
    pages = _html(brouillon_2026["dossier"])
    bilan = pages["sec-bilan.html"]
    note = bilan.find(class_="relecture")
    assert note is not None and "révisé pour l’édition 2024, pas pour l’édition 2026" in _texte(note)
    assert "le tiers" in _texte(note)
    textes = _pdf(brouillon_2026["dossier"])
    assert sum("Note de relecture" in t for t in textes) == 13


def test_changements_sans_nouveau_statut(brouillon_2026):
    texte = _texte(_html(brouillon_2026["dossier"])["sec-bilan.html"].find(class_="changements"))
    assert "0 mesure(s) sur 38 et 0 livrable(s) sur 94 ont changé de statut" in texte
    assert "Mesures dont le statut n’a pas changé (38)" in texte


def test_version_finale_sans_marquage(construction_2024):
    """2024 est une version finale : ni bandeau, ni note de relecture, ni valeur à préciser."""
    dossier = construction_2024["dossier"]
    assert not any("VERSION DE TRAVAIL" in t for t in _pdf(dossier))
    for soupe in _html(dossier).values():
        assert soupe.find(class_="bandeau-brouillon") is None and soupe.find(class_="relecture") is None
        assert "À PRÉCISER" not in soupe.get_text()


def test_version_word(construction_2024, brouillon_2026):
    for dossier in (construction_2024["dossier"], brouillon_2026["dossier"]):
        with zipfile.ZipFile(dossier / "rapport" / "rapport.docx") as z:
            texte = re.sub(r"<[^>]+>", " ", z.read("word/document.xml").decode("utf-8"))
        texte = " ".join(texte.split())
        for attendu in ("Message du ministre", "Bilan de mise en œuvre", "Liste des acronymes", "MO partenaires du plan d’action"):
            assert attendu in texte.replace("'", "’"), attendu


# --- Finale refusée ----------------------------------------------------------------------------------


def _final(tmp_path: Path, source: Path) -> Path:
    texte = source.read_text(encoding="utf-8").replace("etat: brouillon", "etat: final", 1)
    chemin = tmp_path / source.name
    chemin.write_text(texte, encoding="utf-8")
    return chemin


def test_finale_avec_valeurs_a_preciser_refusee(tmp_path):
    messages: list[str] = []
    code = construction.valider(_final(tmp_path, PARAMS_2026), dire=messages.append)
    assert code == construction.ENTREES_INVALIDES
    assert "isbn.imprime" in "\n".join(messages)


def test_finale_avec_recit_non_revise_refusee(tmp_path):
    """Les valeurs précisées mais le récit resté celui de 2024 : la version finale est refusée,
    avec la liste des chapitres et des passages à revoir ; la construction précédente reste."""
    texte = PARAMS_2024.read_text(encoding="utf-8")
    texte = texte.replace("date_reference: 2024-09-01      #", "date_reference: 2026-03-31      #", 1)
    texte = texte.replace("  edition: 2022", "  edition: 2024", 1).replace("  date_reference: null", "  date_reference: 2024-09-01", 1)
    chemin = tmp_path / "2026.yml"
    chemin.write_text(texte, encoding="utf-8")
    racine = tmp_path / "_build"
    (racine / "2026").mkdir(parents=True)
    (racine / "2026" / "precedente.txt").write_text("construction précédente", encoding="utf-8")
    code, journal = _construire(racine, chemin)
    assert code == construction.ENTREES_INVALIDES
    assert "ERREUR – récit à revoir pour l'édition 2026 dans 13 chapitre(s)" in journal
    assert "notebooks/03_bilan.ipynb" in journal and "cellule « ouverture »" in journal
    assert "Version finale refusée" in journal
    assert (racine / "2026" / "precedente.txt").exists()


def test_passages_qui_ressemblent_a_des_donnees():
    texte = ("Au {{< var date_reference >}}, plus de la moitié ({{< var mesures.realise.pourcentage >}}) des mesures, "
             "contre 3 % il y a deux ans ; 56 des 58 recommandations ; 1,5 million de dollars ; 323 000 \\$ ; le tiers[^1].")
    trouves = [(p.extrait, p.genre) for p in passages(texte, "recit")]
    assert trouves == [("plus de la moitié", "expression"), ("3 %", "pourcentage"), ("il y a deux ans", "expression"),
                       ("56 des 58", "proportion"), ("1,5 million de dollars", "montant"), ("323 000 $", "montant"),
                       ("le tiers", "expression")]


def test_chapitre_revise_n_est_plus_a_revoir(tmp_path):
    source = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, source)
    assert {c.nom for c in chapitres_a_revoir(sorted(source.glob("*.ipynb")), "2024")} == set()
    assert len(chapitres_a_revoir(sorted(source.glob("*.ipynb")), "2026")) == 13
    from bilan.relecture import marquer

    marquer(source / "03_bilan.ipynb", "2026")
    restants = {c.nom for c in chapitres_a_revoir(sorted(source.glob("*.ipynb")), "2026")}
    assert "03_bilan" not in restants and len(restants) == 12


# --- Collecte → construction ---------------------------------------------------------------------------


SAISIES = {  # fictives
    "mesure:1": ("Réalisée", REFERENCE, "Les deux rapports ont été publiés."),
    "livrable:1:1": ("Réalisé", dt.date(2026, 2, 1), None),
    "livrable:1:2": ("Réalisé", REFERENCE, None),
}


@pytest.fixture(scope="module")
def apres_collecte(tmp_path_factory, construction_2024):
    """Classeur du MSP rempli et importé dans une copie de data/, puis 2026 et 2024 reconstruits."""
    base = tmp_path_factory.mktemp("collecte")
    donnees = base / "data"
    shutil.copytree(DONNEES, donnees)
    from bilan.parametres import lire_parametres

    params = lire_parametres(PARAMS_2026)
    classeur = collecte.preparer(params, donnees, base / "classeurs", organisations=["MSP"])[0]
    wb = load_workbook(classeur)
    feuille = wb[collecte.FEUILLE_STATUTS]
    rangs = {feuille.cell(r, 1).value: r for r in range(2, feuille.max_row + 1) if feuille.cell(r, 1).value}
    for cle, (statut, date, recit) in SAISIES.items():
        feuille.cell(rangs[cle], 9).value, feuille.cell(rangs[cle], 10).value, feuille.cell(rangs[cle], 11).value = statut, date, recit
    retour = base / "retour-MSP.xlsx"
    wb.save(retour)
    collecte.importer(params, [retour], donnees, base / "recits")
    racine = base / "_build"
    code_2026, journal_2026 = _construire(racine, PARAMS_2026, donnees)
    code_2024, journal_2024 = _construire(racine, PARAMS_2024, donnees)
    return {"racine": racine, "codes": (code_2026, code_2024), "journaux": (journal_2026, journal_2024)}


def test_collecte_montre_les_nouveaux_statuts(apres_collecte):
    assert apres_collecte["codes"] == (construction.OK, construction.OK), apres_collecte["journaux"][0][-2000:]
    dossier = apres_collecte["racine"] / "2026"
    pages = _html(dossier)
    fiche = pages["sec-axe-1.html"].find(id="mesure-1")
    assert "Réalisée" in _texte(fiche)
    changements = _texte(pages["sec-bilan.html"].find(class_="changements"))
    assert "1 mesure(s) sur 38 et 2 livrable(s) sur 94 ont changé de statut" in changements
    tableaux = pages["sec-bilan.html"].find(class_="changements").find_all("table")
    lignes = [[_texte(c) for c in tr.find_all("td")] for t in tableaux for tr in t.find_all("tr") if tr.find("td")]
    assert lignes == [
        ["mesure n° 1", "En cours", "Réalisée"],
        ["mesure n° 1", "Production de rapports de recherche", "En cours", "Réalisé"],
        ["mesure n° 1", "Réalisation d’activités de transfert de connaissances", "À venir", "Réalisé"],
    ]


def test_collecte_ne_change_pas_l_edition_2024(apres_collecte, construction_2024):
    """Les statuts de 2026 sont postérieurs au 1er septembre 2024 : l'édition 2024 est la même."""
    nouvelle = apres_collecte["racine"] / "2024"
    for relatif in ("donnees/mesures.csv", "donnees/livrables.csv", "_variables.yml"):
        assert (nouvelle / relatif).read_bytes() == (construction_2024["dossier"] / relatif).read_bytes(), relatif
