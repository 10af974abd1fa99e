"""Cache des notebooks (bilan.execution) et plan validé gardé par processus (bilan.contexte).

Rapides : un seul notebook, 12_annexe2_comite (un tableau tiré de data/comite_2020.csv et une
cellule Markdown de récit), copié dans un dossier temporaire avec ses sorties et son cache.
Il est exécuté une fois pour le module (cache chaud) ; chaque test part d'une copie de ce
cache. Un test qui exécute démarre un noyau (≈ 2 s).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from bilan import contexte, execution
from bilan.config import DONNEES, NOTEBOOKS, RACINE
from bilan.execution import Execution, Resultat, cle_notebook, empreinte_commune, executer, reprendre
from bilan.validation import DonneesInvalides
from conftest import PARAMS_2024, modifier

NOTEBOOK = "12_annexe2_comite.ipynb"
NOM = NOTEBOOK.removesuffix(".ipynb")
PHRASE = "Phrase ajoutée au récit par le test du cache."


def _executer(dossier: Path, sortie: str, *, donnees: Path = DONNEES, force: bool = False,
              ) -> tuple[Resultat, list[str], nbformat.NotebookNode]:
    """Exécute (ou reprend) les notebooks de ``dossier/notebooks`` avec le cache ``dossier/cache`` ;
    renvoie le sort du notebook, les messages de la construction et le notebook écrit."""
    messages: list[str] = []
    resultats = executer(Execution(
        sources=sorted((dossier / "notebooks").glob("*.ipynb")), sortie=dossier / sortie, fichier_params=PARAMS_2024,
        projet=RACINE, donnees=donnees, journal=dossier / "journal-noyaux.txt", cache=dossier / "cache",
        force=force, travailleurs=1, dire=messages.append))
    return resultats[0], messages, nbformat.read(dossier / sortie / NOTEBOOK, as_version=4)


def _texte(nb: nbformat.NotebookNode) -> str:
    """Le récit et les sorties Markdown d'un notebook exécuté, bout à bout."""
    morceaux = []
    for cellule in nb.cells:
        if cellule.cell_type == "markdown":
            morceaux.append(cellule.source)
        for sortie in cellule.get("outputs", []):
            morceaux.append(sortie.get("data", {}).get("text/markdown", ""))
    return "\n".join(morceaux)


def _cellule(dossier: Path, identifiant: str) -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    nb = nbformat.read(dossier / "notebooks" / NOTEBOOK, as_version=4)
    return nb, next(c for c in nb.cells if c.get("id") == identifiant)


@pytest.fixture(scope="module")
def cache_chaud(tmp_path_factory) -> Path:
    dossier = tmp_path_factory.mktemp("cache-chaud")
    (dossier / "notebooks").mkdir()
    shutil.copy2(NOTEBOOKS / NOTEBOOK, dossier / "notebooks" / NOTEBOOK)
    resultat, messages, _ = _executer(dossier, "sortie")
    assert not resultat.repris, messages
    return dossier


@pytest.fixture
def atelier(tmp_path: Path, cache_chaud: Path) -> Path:
    """Le notebook source et le cache chaud, copiés : le test les modifie à sa guise."""
    for nom in ("notebooks", "cache"):
        shutil.copytree(cache_chaud / nom, tmp_path / nom)
    return tmp_path


@pytest.fixture
def noyaux(monkeypatch) -> list[str]:
    """Les travailleurs lancés pendant le test (un par noyau démarré) ; ils travaillent normalement."""
    lances: list[str] = []
    travailleur = execution._travailleur

    def compter(*args, **kwargs):
        lances.append("noyau")
        return travailleur(*args, **kwargs)

    monkeypatch.setattr(execution, "_travailleur", compter)
    return lances


# --- Ce qui réexécute, ce qui reprend ------------------------------------------------------------


def test_recit_modifie_repris_sans_execution(atelier, noyaux):
    nb, note = _cellule(atelier, "note")
    note.source += f"\n\n{PHRASE}"
    nbformat.write(nb, atelier / "notebooks" / NOTEBOOK)

    resultat, messages, ecrit = _executer(atelier, "sortie")

    assert noyaux == [] and resultat.repris
    assert any(NOTEBOOK in m and "sorties reprises" in m for m in messages), messages
    texte = _texte(ecrit)
    assert PHRASE in texte  # le nouveau récit…
    assert "Ministère de la Sécurité publique" in texte  # … et les sorties de l'exécution d'avant


def test_cellule_de_code_modifiee_reexecute(atelier):
    nb, code = _cellule(atelier, "comite")
    code.source = "# Membres du comité, dans l'ordre de la liste publiée\n" + code.source
    nbformat.write(nb, atelier / "notebooks" / NOTEBOOK)

    resultat, messages, ecrit = _executer(atelier, "sortie")

    assert not resultat.repris
    assert any(NOTEBOOK in m and "exécuté en" in m for m in messages), messages
    assert next(c for c in ecrit.cells if c.get("id") == "comite").source == code.source


def test_donnees_modifiees_reexecute(atelier, donnees):
    modifier(donnees / "comite_2020.csv", {"ordre": "1"}, organisation_nom="Organisme témoin du test de cache")

    resultat, messages, ecrit = _executer(atelier, "sortie", donnees=donnees)

    assert not resultat.repris, messages
    assert "Organisme témoin du test de cache" in _texte(ecrit)  # le noyau a lu la copie des données


def test_force_reexecute(atelier, noyaux):
    resultat, messages, _ = _executer(atelier, "sortie", force=True)

    assert noyaux == ["noyau"] and not resultat.repris
    assert any(NOTEBOOK in m and "exécuté en" in m for m in messages), messages


def test_rien_de_change_repris(atelier, noyaux):
    resultat, _, ecrit = _executer(atelier, "sortie")

    assert noyaux == [] and resultat.repris
    assert "Ministère de la Sécurité publique" in _texte(ecrit)


def test_deux_notebooks_dans_un_noyau_gardent_leurs_sorties(tmp_path, cache_chaud, noyaux):
    """Un travailleur exécute plusieurs notebooks dans un noyau, avec un seul client : aucune
    sortie d'un notebook ne se retrouve dans un autre."""
    (tmp_path / "notebooks").mkdir()
    for nom in (NOTEBOOK, "13_acronymes.ipynb"):
        shutil.copy2(NOTEBOOKS / nom, tmp_path / "notebooks" / nom)

    _executer(tmp_path, "sortie")

    assert noyaux == ["noyau"]

    def sorties(nb: nbformat.NotebookNode) -> list[list[dict]]:
        return [c.outputs for c in nb.cells if c.cell_type == "code"]

    seul = nbformat.read(cache_chaud / "sortie" / NOTEBOOK, as_version=4)
    assert sorties(nbformat.read(tmp_path / "sortie" / NOTEBOOK, as_version=4)) == sorties(seul)
    acronymes = nbformat.read(tmp_path / "sortie" / "13_acronymes.ipynb", as_version=4)
    assert [len(s) for s in sorties(acronymes)] == [0, 0, 0, 1]  # paramètres, injectés, contexte, liste
    assert "| Nom | Acronyme |" in acronymes.cells[-1].outputs[0]["data"]["text/markdown"]


# --- Clé du cache ---------------------------------------------------------------------------------


def _copie_du_paquet(dossier: Path) -> Path:
    shutil.copytree(RACINE / "bilan", dossier / "bilan", ignore=shutil.ignore_patterns("__pycache__"))
    (dossier / "styles").mkdir()
    shutil.copy2(RACINE / "styles" / "statuts.yml", dossier / "styles" / "statuts.yml")
    return dossier


def test_paquet_modifie_change_la_cle(tmp_path, atelier):
    projet = _copie_du_paquet(tmp_path / "projet")
    nb = nbformat.read(atelier / "notebooks" / NOTEBOOK, as_version=4)
    avant = empreinte_commune(PARAMS_2024, projet, DONNEES)
    # Le contenu compte, pas l'emplacement : la copie a la clé du vrai projet, et le cache la connaît.
    assert avant == empreinte_commune(PARAMS_2024, RACINE, DONNEES)
    assert reprendre(atelier / "cache", NOM, cle_notebook(nb, avant), nb, _sortie(tmp_path / "a"))

    fichier = projet / "bilan" / "francais.py"
    octets = bytearray(fichier.read_bytes())
    octets[-1:] = b" "  # un seul octet : le saut de ligne final devient une espace
    fichier.write_bytes(bytes(octets))
    apres = empreinte_commune(PARAMS_2024, projet, DONNEES)

    assert apres != avant
    assert cle_notebook(nb, apres) != cle_notebook(nb, avant)
    assert not reprendre(atelier / "cache", NOM, cle_notebook(nb, apres), nb, _sortie(tmp_path / "b"))  # à réexécuter


def _sortie(dossier: Path) -> Path:
    (dossier / "figures").mkdir(parents=True)
    return dossier


def test_recit_hors_de_la_cle_code_dedans():
    nb = nbformat.read(NOTEBOOKS / NOTEBOOK, as_version=4)
    cle = cle_notebook(nb, "commune")
    next(c for c in nb.cells if c.get("id") == "note").source += " Autre récit."
    assert cle_notebook(nb, "commune") == cle
    next(c for c in nb.cells if c.get("id") == "comite").source += "\n"
    assert cle_notebook(nb, "commune") != cle
    assert cle_notebook(nb, "autre empreinte commune") != cle_notebook(nb, "commune")


# --- Plan validé gardé par processus ---------------------------------------------------------------


@pytest.fixture
def validations(monkeypatch) -> list[Path]:
    """Les dossiers validés par ``plan_valide`` pendant le test, mémoire du processus vidée avant."""
    vus: list[Path] = []
    charger = contexte.charger_plan

    def compter(dossier: Path):
        vus.append(dossier)
        return charger(dossier)

    monkeypatch.setattr(contexte, "_plan_garde", None)
    monkeypatch.setattr(contexte, "charger_plan", compter)
    return vus


def test_plan_valide_une_fois_tant_que_les_donnees_ne_changent_pas(donnees, validations):
    premier = contexte.plan_valide(donnees)
    second = contexte.plan_valide(donnees)
    assert len(validations) == 1
    assert second.mesures.equals(premier.mesures)

    modifier(donnees / "comite_2020.csv", {"ordre": "1"}, organisation_nom="Organisme renommé")
    apres = contexte.plan_valide(donnees)
    assert len(validations) == 2
    assert apres.comite.loc[apres.comite["ordre"] == 1, "organisation_nom"].item() == "Organisme renommé"


def test_plan_valide_fichier_ajoute_revalide(donnees, validations):
    contexte.plan_valide(donnees)
    shutil.copy2(donnees / "statuts_mesures.csv", donnees / "statuts_mesures (1).csv")
    plan = contexte.plan_valide(donnees)
    assert len(validations) == 2
    assert any("statuts_mesures (1).csv" in str(c) for c in plan.avertissements)


def test_plan_valide_tables_propres_a_chaque_appel(donnees, validations):
    premier = contexte.plan_valide(donnees)
    titre = premier.mesures.loc[0, "titre"]
    premier.mesures.loc[0, "titre"] = "Titre changé par un notebook"
    premier.mesures["colonne_ajoutee"] = 1

    second = contexte.plan_valide(donnees)
    assert len(validations) == 1
    assert second.mesures.loc[0, "titre"] == titre
    assert "colonne_ajoutee" not in second.mesures


def test_plan_valide_donnees_invalides(donnees, validations):
    contexte.plan_valide(donnees)
    modifier(donnees / "statuts_mesures.csv", {"mesure": "1"}, statut="Statut inconnu")
    with pytest.raises(DonneesInvalides):
        contexte.plan_valide(donnees)
    with pytest.raises(DonneesInvalides):  # jamais un plan d'avant resservi pour des données refusées
        contexte.plan_valide(donnees)
    assert len(validations) == 3
