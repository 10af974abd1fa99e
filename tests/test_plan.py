"""Les recherches indexées de ``Plan`` (fiches et exports en temps linéaire) rendent ce que
rendraient les filtres sur les tables entières."""

from __future__ import annotations

import pytest

from bilan.donnees import charger_plan


@pytest.fixture(scope="module")
def plan():
    return charger_plan()


def test_mesure(plan):
    for m in plan.mesures["mesure"]:
        assert plan.mesure(m).equals(plan.mesures[plan.mesures["mesure"] == m].iloc[0])
    with pytest.raises(KeyError, match="Mesure inconnue"):
        plan.mesure("99")


def test_organisations_de(plan):
    o = plan.mesures_organisations
    for m in plan.mesures["mesure"]:
        for role in ("porteur", "collaborateur"):
            attendu = o[(o["mesure"] == m) & (o["role"] == role)].sort_values("ordre")["organisation"].tolist()
            assert plan.organisations_de(m, role) == attendu


def test_recommandations_de(plan):
    liens = plan.mesures_recommandations
    for m in plan.mesures["mesure"]:
        assert plan.recommandations_de(m) == sorted(int(n) for n in liens.loc[liens["mesure"] == m, "recommandation"])


def test_budget_commun(plan):
    for b, montant in zip(plan.budgets_communs["budget_commun"], plan.budgets_communs["montant"]):
        partageurs = plan.mesures.loc[plan.mesures["budget_commun"] == b, "mesure"].tolist()
        assert plan.budget_commun(b) == (int(montant), partageurs)
