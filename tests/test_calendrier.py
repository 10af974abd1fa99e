"""Vie du plan (data/plan.yml) : une date de référence hors du plan est refusée, avec ses bornes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bilan.calendrier import ajouter_mois, lire_vie_du_plan, verifier_dates
from bilan.construire import ENTREES_INVALIDES, OK, valider
from bilan.parametres import ParametresInvalides, lire_parametres
from conftest import PARAMS_2024


def _params(tmp_path: Path, date: str, precedente: str = "null") -> Path:
    texte = PARAMS_2024.read_text(encoding="utf-8")
    texte = texte.replace("date_reference: 2024-09-01 ", f"date_reference: {date} ", 1)
    texte = texte.replace("  date_reference: null", f"  date_reference: {precedente}", 1)
    # Une autre édition que 2024 : en version de travail, son récit (révisé pour 2024) est
    # signalé sans arrêter la validation (bilan.relecture) ; seules les dates sont en jeu ici.
    texte = texte.replace("etat: final", "etat: brouillon", 1)
    chemin = tmp_path / "2030.yml"
    chemin.write_text(texte, encoding="utf-8")
    return chemin


def test_vie_du_plan_lue_dans_les_donnees():
    vie, constats = lire_vie_du_plan()
    assert constats == [] and vie is not None
    assert vie.premiere_date == dt.date(2021, 12, 1)  # « Rendu public en décembre 2021 » : au mois près
    assert vie.fin == dt.date(2026, 3, 31)
    assert vie.derniere_date == dt.date(2027, 3, 31)
    assert "l. 96" in vie.source_lancement and "l. 1041" in vie.source_fin
    assert "règle du projet" in vie.source_tolerance


@pytest.mark.parametrize("date, permise", [
    ("2019-01-01", False), ("2021-11-30", False), ("2021-12-01", True), ("2024-09-01", True),
    ("2026-03-31", True), ("2027-03-31", True), ("2027-04-01", False),
])
def test_bornes_des_dates_de_reference(tmp_path, date, permise):
    params = lire_parametres(_params(tmp_path, date))
    if permise:
        verifier_dates(params)
        return
    with pytest.raises(ParametresInvalides) as exc:
        verifier_dates(params)
    (probleme,) = exc.value.problemes
    assert probleme.startswith(f"« date_reference » : {date} ")
    assert "du 1er décembre 2021" in probleme and "au 31 mars 2027" in probleme
    assert "fin du plan le 31 mars 2026" in probleme and "règle du projet" in probleme
    assert "data/plan.yml" in probleme


def test_date_de_l_edition_precedente_hors_du_plan(tmp_path):
    with pytest.raises(ParametresInvalides) as exc:
        verifier_dates(lire_parametres(_params(tmp_path, "2026-03-31", precedente="2020-09-01")))
    assert exc.value.problemes[0].startswith("« edition_precedente.date_reference » : 2020-09-01 précède le lancement")


def test_valider_refuse_une_date_avant_le_plan(tmp_path):
    messages: list[str] = []
    assert valider(_params(tmp_path, "2019-01-01"), dire=messages.append) == ENTREES_INVALIDES
    assert any("2030.yml" in m and "« date_reference » : 2019-01-01 précède le lancement du plan" in m for m in messages)


def test_date_sans_evenement_reste_un_avertissement(tmp_path):
    messages: list[str] = []
    assert valider(_params(tmp_path, "2022-06-01"), dire=messages.append) == OK
    assert any(m.startswith("Avertissement – au 2022-06-01, statut inconnu pour 38 mesure(s)") for m in messages)


def test_ajouter_mois_ramene_au_dernier_jour():
    assert ajouter_mois(dt.date(2026, 3, 31), 12) == dt.date(2027, 3, 31)
    assert ajouter_mois(dt.date(2026, 3, 31), 11) == dt.date(2027, 2, 28)
    assert ajouter_mois(dt.date(2026, 3, 31), 0) == dt.date(2026, 3, 31)


@pytest.mark.parametrize("avant, apres, cle, fragment", [
    ('mois: "2021-12"', 'mois: "2021-13"', "lancement.mois", "AAAA-MM"),
    ('mois: "2021-12"', "mois: décembre 2021", "lancement.mois", "AAAA-MM"),
    ("date: 2026-03-31", "date: 2026-02-30", "fin.date", "doit exister"),
    ("date: 2026-03-31", "date: 31/03/2026", "fin.date", "AAAA-MM-JJ"),
    ("  mois: 12", "  mois: -1", "tolerance_apres_fin.mois", "de 0 à 36"),
    ("  mois: 12", "  mois: douze", "tolerance_apres_fin.mois", "nombre entier de mois"),
    ("  source: règle du projet (pas un fait du plan)", "  source: ''", "tolerance_apres_fin.source", "texte non vide"),
    ("  source: règle du projet (pas un fait du plan)", "  sources: règle", "tolerance_apres_fin.sources", "clé inconnue"),
    ("date: 2026-03-31", "date: 2020-03-31", "fin.date", "doit suivre son lancement"),
])
def test_plan_yml_mal_forme(donnees, avant, apres, cle, fragment):
    chemin = donnees / "plan.yml"
    texte = chemin.read_text(encoding="utf-8")
    assert avant in texte
    chemin.write_text(texte.replace(avant, apres, 1), encoding="utf-8")
    vie, constats = lire_vie_du_plan(donnees)
    assert vie is None
    messages = [str(c) for c in constats]
    assert any(m.startswith(f"ERREUR – data/plan.yml, clé « {cle} »") and fragment in m for m in messages), messages


def test_plan_yml_absent_les_dates_ne_sont_pas_verifiees_et_c_est_dit(donnees, tmp_path):
    (donnees / "plan.yml").unlink()
    messages: list[str] = []
    assert valider(PARAMS_2024, dire=messages.append, donnees=donnees) == ENTREES_INVALIDES
    assert any("dates de référence non vérifiées : data/plan.yml est invalide (fichier absent" in m for m in messages)
    assert "ERREUR – data/plan.yml : fichier absent : il donne le lancement et la fin du plan (voir data/README.md)" in messages
