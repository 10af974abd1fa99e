"""Tests « dorés » contre les chiffres publiés au 1er septembre 2024, et règles du statut à une date."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from bilan.donnees import charger_plan
from bilan.synthese import (
    budget_total,
    comparaison_precedente,
    couverture_recommandations,
    mesures_par_recommandation,
    repartition,
    repartition_par_axe,
    statuts_livrables,
    statuts_mesures,
)
from conftest import ajouter

DATE_2024 = dt.date(2024, 9, 1)


@pytest.fixture(scope="module")
def plan():
    return charger_plan()


def _golden(rep: pd.DataFrame) -> pd.DataFrame:
    return rep[["categorie", "nombre", "pourcentage"]].reset_index(drop=True)


def test_mesures_2024(plan):
    rep = repartition(plan, statuts_mesures(plan, DATE_2024), "mesure")
    attendu = pd.DataFrame({"categorie": ["realise", "en_cours", "a_faire"], "nombre": [22, 16, 0], "pourcentage": [58, 42, 0]})
    assert_frame_equal(_golden(rep), attendu, check_dtype=False)
    assert rep["total"].iloc[0] == 38


def test_ligne_2022_publiee(plan):
    comp = comparaison_precedente(plan, "2022", None)
    assert comp is not None and not comp.calculee
    attendu = pd.DataFrame({"categorie": ["realise", "en_cours", "a_faire"], "nombre": [1, 35, 2], "pourcentage": [3, 92, 5]})
    assert_frame_equal(_golden(comp.repartition), attendu, check_dtype=False)
    assert "37 mesures" in comp.note


def test_livrables_2024(plan):
    """59 % = 55 Réalisé + Réalisé (récurrent) ; 30 % = 28 En cours ; le « Réalisé (en partie) » hors des 59 %."""
    rep = repartition(plan, statuts_livrables(plan, DATE_2024), "livrable")
    attendu = pd.DataFrame({
        "categorie": ["realise", "realise_en_partie", "en_cours", "a_faire"],
        "nombre": [55, 1, 28, 10],
        "pourcentage": [59, 1, 30, 11],
    })
    assert_frame_equal(_golden(rep), attendu, check_dtype=False)
    assert rep["total"].iloc[0] == 94


def test_budget_total_compte_le_budget_commun_une_fois(plan):
    assert budget_total(plan) == 148_786_925
    partageurs = plan.mesures[plan.mesures["budget_type"] == "partage"]["mesure"].tolist()
    assert partageurs == ["3", "4", "5", "7", "A1", "A2"]


def test_statut_inconnu_avant_tout_evenement(plan):
    statuts = statuts_mesures(plan, dt.date(2021, 1, 1))
    assert set(statuts["statut"]) == {"Inconnu"}
    rep = repartition(plan, statuts, "mesure")
    assert rep.set_index("categorie").loc["inconnu", "nombre"] == 38


def test_le_dernier_evenement_au_plus_tard_la_date_l_emporte(donnees):
    ajouter(donnees / "statuts_mesures.csv", mesure="1", date="2026-03-31", statut="Réalisée", source="test")
    for ordre in ("1", "2"):
        ajouter(donnees / "statuts_livrables.csv", mesure="1", ordre=ordre, date="2026-03-31", statut="Réalisé", source="test")
    plan = charger_plan(donnees)
    avant = statuts_mesures(plan, dt.date(2026, 3, 30)).set_index("mesure")
    apres = statuts_mesures(plan, dt.date(2026, 3, 31)).set_index("mesure")
    assert avant.loc["1", "statut"] == "En cours"
    assert apres.loc["1", "statut"] == "Réalisée"
    rep = repartition(plan, statuts_mesures(plan, dt.date(2026, 3, 31)), "mesure").set_index("categorie")
    assert rep.loc["realise", "nombre"] == 23


def test_comparaison_calculee_quand_les_statuts_existent(plan):
    comp = comparaison_precedente(plan, "2024", DATE_2024)
    assert comp is not None and comp.calculee
    assert comp.repartition.set_index("categorie").loc["realise", "nombre"] == 22


def test_comparaison_retombe_sur_les_chiffres_publies(plan):
    comp = comparaison_precedente(plan, "2022", dt.date(2022, 9, 1))
    assert comp is not None and not comp.calculee
    assert comparaison_precedente(plan, "2018", None) is None


def test_couverture_ne_compte_que_les_liens_connus(plan):
    c = couverture_recommandations(plan)
    assert c.recommandations_total == 58
    assert c.recommandations_couvertes == plan.mesures_recommandations["recommandation"].nunique()
    assert len(c.mesures_liens_inconnus) == 15
    assert c.mesures_initiative == ("26",)
    par_reco = mesures_par_recommandation(plan)
    assert par_reco[45] == ["28", "30", "additionnelle"]
    assert par_reco[4] == ["1"]


def test_repartition_par_axe_totalise_les_38_mesures(plan):
    t = repartition_par_axe(plan, DATE_2024)
    assert t["nombre"].sum() == 38
    assert t.groupby("axe")["nombre"].sum().tolist() == [2, 7, 13, 5, 7, 4]
