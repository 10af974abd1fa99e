"""Fiches de mesure : accords, cas particuliers et renvois, à partir des données réelles."""

from __future__ import annotations

import datetime as dt

import pytest

from bilan.donnees import charger_plan
from bilan.fiches import fiche_markdown, nom_mesure, reference_mesure, statut_en_capitales
from bilan.synthese import statuts_livrables, statuts_mesures

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def fiche():
    plan = charger_plan()

    def faire(mesure: str, date: dt.date = dt.date(2024, 9, 1)) -> str:
        return fiche_markdown(plan, mesure, statuts_mesures(plan, date), statuts_livrables(plan, date), "annexe.ipynb")

    return faire


def test_designations():
    assert nom_mesure("1") == "MESURE N° 1"
    assert nom_mesure("A1") == "MESURE A1"
    assert nom_mesure("additionnelle") == "MESURE ADDITIONNELLE"
    assert reference_mesure("12") == "mesure n° 12"
    assert reference_mesure("A3") == "mesure A3"
    assert statut_en_capitales("Réalisée (en partie)") == "RÉALISÉE (en partie)"
    assert statut_en_capitales("Inconnu") == "STATUT INCONNU"


def test_accords_singulier_et_pluriel(fiche):
    assert "| PORTEUR | COLLABORATEURS | BUDGET ATTRIBUÉ |" in fiche("1")   # un porteur, quatre collaborateurs
    assert "| PORTEURS | COLLABORATEURS |" in fiche("3")                   # « MO partenaires… » désigne plusieurs MO
    assert "| PORTEUR | COLLABORATEUR | BUDGET ATTRIBUÉ |" in fiche("8")    # SCF seul
    assert "| LIVRABLES | Statut |" in fiche("1") and "| LIVRABLE | Statut |" in fiche("3")


def test_sans_objet(fiche):
    texte = fiche("additionnelle")
    assert "| PORTEUR | COLLABORATEUR | BUDGET ATTRIBUÉ |" in texte
    assert f"| S. O. | 1{NBSP}680{NBSP}000{NBSP}$ |" in texte
    assert "| S. O. | S. O. |" in texte


def test_recommandations(fiche):
    assert f"En réponse à la recommandation n°{NBSP}[4](annexe.ipynb#recommandation-4)" in fiche("1")
    assert "aux recommandations n^os^" in fiche("2") and "[13](annexe.ipynb#recommandation-13) et [55]" in fiche("2")
    assert "Initiative gouvernementale" in fiche("26")
    assert "inconnues" in fiche("A3")


def test_budget_partage_et_autofinance(fiche):
    assert f"2{NBSP}903{NBSP}063{NBSP}$ partagés pour les mesures n^os^{NBSP}3, 4, 5, 7, A1 et A2" in fiche("A2")
    assert "| Autofinancé |" in fiche("9")


def test_note_et_asterisque(fiche):
    texte = fiche("25")
    assert "RÉALISÉE\\*]{.statut .statut-realise}" in texte
    assert "::: {.note-mesure}\n\\* Il est à noter" in texte
    assert "::: {.note-mesure}" not in fiche("1")


def test_statut_inconnu_avant_tout_evenement(fiche):
    texte = fiche("1", dt.date(2020, 1, 1))
    assert "[STATUT INCONNU]{.statut .statut-inconnu}" in texte
    assert "[Statut inconnu]{.statut .statut-inconnu}" in texte
