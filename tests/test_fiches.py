"""Fiches de mesure : accords, cas particuliers et renvois, à partir des données réelles."""

from __future__ import annotations

import datetime as dt

import pytest

from bilan.donnees import charger_plan
from bilan.fiches import fiche_markdown, nom_mesure, reference_mesure, statut_de_titre, statut_en_capitales
from bilan.synthese import statuts_livrables, statuts_mesures

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def fiche():
    plan = charger_plan()

    def faire(mesure: str, date: dt.date = dt.date(2024, 9, 1)) -> str:
        return fiche_markdown(plan, mesure, statuts_mesures(plan, date), statuts_livrables(plan, date), "11_annexe")

    return faire


def test_designations():
    # Casse normale : les capitales du rapport imprimé sont une mise en forme (.majuscules).
    assert nom_mesure("1") == "Mesure n° 1"
    assert nom_mesure("A1") == "Mesure A1"
    assert nom_mesure("additionnelle") == "Mesure additionnelle"
    assert reference_mesure("12") == "mesure n° 12"
    assert reference_mesure("A3") == "mesure A3"
    assert statut_en_capitales("Réalisée (en partie)") == "RÉALISÉE (en partie)"
    assert statut_en_capitales("Inconnu") == "STATUT INCONNU"
    assert statut_de_titre("Réalisée (en partie)") == "[Réalisée]{.majuscules} (en partie)"
    assert statut_de_titre("En cours") == "[En cours]{.majuscules}"


def test_titre_de_fiche_en_capitales_par_la_mise_en_forme(fiche):
    titre = fiche("29").splitlines()[0]
    assert titre == ("## [Mesure n° 29]{.majuscules} – [[Réalisée]{.majuscules} (en partie)]{.statut .statut-realise} "
                     "{#mesure-29 .mesure}")
    # Les en-têtes des tableaux sont dans un bloc mis en capitales à l'impression.
    assert "::: {.entetes-majuscules}\n| Porteur |" in fiche("29")


def test_accords_singulier_et_pluriel(fiche):
    assert "| Porteur | Collaborateurs | Budget attribué |" in fiche("1")   # un porteur, quatre collaborateurs
    assert "| Porteurs | Collaborateurs |" in fiche("3")                   # « MO partenaires… » désigne plusieurs MO
    assert "| Porteur | Collaborateur | Budget attribué |" in fiche("8")    # SCF seul
    assert "| Livrables | Statut |" in fiche("1") and "| Livrable | Statut |" in fiche("3")


def test_sans_objet(fiche):
    texte = fiche("additionnelle")
    assert "| Porteur | Collaborateur | Budget attribué |" in texte
    assert f"| S. O. | 1{NBSP}680{NBSP}000{NBSP}$ |" in texte
    assert "| S. O. | S. O. |" in texte


def test_recommandations(fiche):
    assert f"En réponse à la recommandation n°{NBSP}[4](11_annexe.md#recommandation-4)" in fiche("1")
    assert "aux recommandations n^os^" in fiche("2") and "[13](11_annexe.md#recommandation-13) et [55]" in fiche("2")
    assert "Initiative gouvernementale" in fiche("26")
    assert "inconnues" in fiche("A3")


def test_budget_partage_et_autofinance(fiche):
    assert f"2{NBSP}903{NBSP}063{NBSP}$ partagés pour les mesures n^os^{NBSP}3, 4, 5, 7, A1 et A2" in fiche("A2")
    assert "| Autofinancé |" in fiche("9")


def test_note_et_asterisque(fiche):
    texte = fiche("25")
    assert "[Réalisée]{.majuscules}\\*]{.statut .statut-realise}" in texte
    assert "::: {.note-mesure}\n\\* Il est à noter" in texte
    assert "::: {.note-mesure}" not in fiche("1")


def test_statut_inconnu_avant_tout_evenement(fiche):
    texte = fiche("1", dt.date(2020, 1, 1))
    assert "[[Statut inconnu]{.majuscules}]{.statut .statut-inconnu}" in texte
    assert "[Statut inconnu]{.statut .statut-inconnu}" in texte
