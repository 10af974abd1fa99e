"""Calculs pour une date de référence : statuts, répartitions, comparaison, budgets, couverture.

Le statut d'une mesure ou d'un livrable à une date D est le dernier événement daté au plus
tard D ; sans événement, il est explicitement « Inconnu » (jamais deviné). Les règles de
comptage (quel statut compte dans quelle catégorie) sont des données : ``data/statuts.csv``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from bilan import francais
from bilan.donnees import Plan

STATUT_INCONNU = "Inconnu"
CATEGORIE_INCONNUE = "inconnu"
LIBELLE_INCONNU = "Statut inconnu"


def _dernier_evenement(evenements: pd.DataFrame, cles: list[str], date: dt.date) -> pd.DataFrame:
    avant = evenements[evenements["date"] <= date].sort_values("date")
    return avant.groupby(cles, as_index=False).tail(1)[cles + ["statut", "date", "source"]]


def _categoriser(table: pd.DataFrame, plan: Plan, objet: str) -> pd.DataFrame:
    vocab = plan.statuts[plan.statuts["objet"] == objet][["statut", "categorie", "libelle_categorie"]]
    table = table.merge(vocab, on="statut", how="left")
    inconnu = table["statut"].isna()
    table.loc[inconnu, "statut"] = STATUT_INCONNU
    table.loc[inconnu, "categorie"] = CATEGORIE_INCONNUE
    table.loc[inconnu, "libelle_categorie"] = LIBELLE_INCONNU
    return table


def statuts_mesures(plan: Plan, date: dt.date) -> pd.DataFrame:
    """Statut de chaque mesure à la date : mesure, ordre, axe, statut, categorie, date, source."""
    derniers = _dernier_evenement(plan.statuts_mesures, ["mesure"], date)
    table = plan.mesures[["mesure", "ordre", "axe"]].merge(derniers, on="mesure", how="left")
    return _categoriser(table, plan, "mesure").sort_values("ordre").reset_index(drop=True)


def statuts_livrables(plan: Plan, date: dt.date) -> pd.DataFrame:
    """Statut de chaque livrable à la date, dans l'ordre du rapport."""
    derniers = _dernier_evenement(plan.statuts_livrables, ["mesure", "ordre"], date)
    table = plan.livrables.merge(derniers, on=["mesure", "ordre"], how="left")
    table = _categoriser(table, plan, "livrable")
    rang = dict(zip(plan.mesures["mesure"], plan.mesures["ordre"]))
    table["rang_mesure"] = table["mesure"].map(rang)
    return table.sort_values(["rang_mesure", "ordre"]).drop(columns="rang_mesure").reset_index(drop=True)


def categories(plan: Plan, objet: str) -> pd.DataFrame:
    """Catégories de comptage d'un objet, dans l'ordre du vocabulaire (libellés au pluriel)."""
    vocab = plan.statuts[plan.statuts["objet"] == objet].sort_values("ordre")
    return vocab.drop_duplicates("categorie")[["categorie", "libelle_categorie"]].rename(
        columns={"libelle_categorie": "libelle"}
    ).reset_index(drop=True)


def repartition(plan: Plan, table_statuts: pd.DataFrame, objet: str) -> pd.DataFrame:
    """Nombre et pourcentage par catégorie (toutes les catégories, même à zéro ; « inconnu » s'il y en a)."""
    cats = categories(plan, objet)
    if (table_statuts["categorie"] == CATEGORIE_INCONNUE).any():
        cats = pd.concat([cats, pd.DataFrame([{"categorie": CATEGORIE_INCONNUE, "libelle": LIBELLE_INCONNU}])], ignore_index=True)
    return _avec_nombres(cats, table_statuts["categorie"].value_counts().to_dict(), len(table_statuts))


def _avec_nombres(cats: pd.DataFrame, nombres: dict[str, int], total: int) -> pd.DataFrame:
    """Ajoute nombre, pourcentage (entier, arrondi au plus près) et son texte français à chaque catégorie."""
    cats = cats.copy()
    cats["nombre"] = cats["categorie"].map(nombres).fillna(0).astype(int)
    cats["pourcentage"] = cats["nombre"].map(lambda n: francais.pourcentage_entier(n, total))
    cats["pourcentage_texte"] = cats["nombre"].map(lambda n: francais.pourcentage(n, total))
    cats["total"] = total
    return cats


def repartition_par_axe(plan: Plan, date: dt.date) -> pd.DataFrame:
    """Statut des mesures par axe : axe, libelle_axe, categorie, libelle, nombre, total_axe."""
    statuts = statuts_mesures(plan, date)
    lignes = []
    for _, axe in plan.axes.iterrows():
        rep = repartition(plan, statuts[statuts["axe"] == axe["axe"]], "mesure")
        rep.insert(0, "libelle_axe", axe["libelle"])
        rep.insert(0, "axe", axe["axe"])
        lignes.append(rep)
    return pd.concat(lignes, ignore_index=True)


@dataclass(frozen=True)
class Comparaison:
    """Répartition des mesures à l'édition précédente et d'où elle vient."""

    edition: str
    repartition: pd.DataFrame
    calculee: bool
    source: str
    note: str


def comparaison_precedente(plan: Plan, edition: str, date: dt.date | None) -> Comparaison | None:
    """Calculée par mesure quand chaque mesure a un statut à la date précédente ; sinon, chiffres publiés."""
    if date is not None:
        statuts = statuts_mesures(plan, date)
        if not (statuts["categorie"] == CATEGORIE_INCONNUE).any():
            return Comparaison(edition, repartition(plan, statuts, "mesure"), True,
                               f"calculée à partir des statuts datés au plus tard du {francais.date_longue(date)}", "")
    publies = plan.editions_publiees[(plan.editions_publiees["edition"] == int(edition)) & (plan.editions_publiees["objet"] == "mesure")]
    if publies.empty:
        return None
    nombres = dict(zip(publies["categorie"], publies["nombre"]))
    cats = _avec_nombres(categories(plan, "mesure"), nombres, int(publies["total"].iloc[0]))
    return Comparaison(edition, cats, False, str(publies["source"].iloc[0]), str(publies["note"].iloc[0]))


def budget_total(plan: Plan) -> int:
    """Budget attribué total : montants propres + chaque budget commun compté une seule fois."""
    propres = int(plan.mesures.loc[plan.mesures["budget_type"] == "montant", "budget"].sum())
    utilises = set(plan.mesures.loc[plan.mesures["budget_type"] == "partage", "budget_commun"])
    communs = int(plan.budgets_communs[plan.budgets_communs["budget_commun"].isin(utilises)]["montant"].sum())
    return propres + communs


@dataclass(frozen=True)
class Couverture:
    """Recommandations auxquelles répond au moins une mesure, selon les liens connus seulement."""

    recommandations_total: int
    recommandations_couvertes: int
    mesures_liens_inconnus: tuple[str, ...]
    mesures_initiative: tuple[str, ...]


def couverture_recommandations(plan: Plan) -> Couverture:
    couvertes = plan.mesures_recommandations["recommandation"].nunique()
    m = plan.mesures
    return Couverture(
        recommandations_total=len(plan.recommandations),
        recommandations_couvertes=int(couvertes),
        mesures_liens_inconnus=tuple(m.loc[m["liens_recommandations"] == "inconnus", "mesure"]),
        mesures_initiative=tuple(m.loc[m["liens_recommandations"] == "initiative gouvernementale", "mesure"]),
    )


def mesures_par_recommandation(plan: Plan) -> dict[int, list[str]]:
    """Pour chaque recommandation, les mesures (dans l'ordre du rapport) dont le lien est connu."""
    rang = dict(zip(plan.mesures["mesure"], plan.mesures["ordre"]))
    resultat: dict[int, list[str]] = {int(n): [] for n in plan.recommandations["numero"]}
    liens = plan.mesures_recommandations
    for mesure, numero in zip(liens["mesure"], liens["recommandation"]):
        resultat.setdefault(int(numero), []).append(mesure)
    return {n: sorted(ms, key=rang.__getitem__) for n, ms in resultat.items()}


@dataclass(frozen=True)
class Changements:
    """Ce qui a changé entre l'édition précédente et celle-ci, mesure par mesure.

    ``calculable`` est faux quand l'édition précédente n'a pas de statuts datés pour chaque
    mesure (2022 : seuls ses totaux publiés sont connus) ; ``raison`` le dit alors.
    """

    edition_precedente: str
    date_precedente: dt.date | None
    calculable: bool
    raison: str
    mesures: pd.DataFrame  # mesures dont le statut a changé : mesure, ordre, axe, avant, apres
    livrables: pd.DataFrame  # livrables dont le statut a changé : mesure, ordre, livrable, avant, apres
    mesures_inchangees: tuple[str, ...]
    nombre_mesures: int
    nombre_livrables: int


def changements(plan: Plan, date: dt.date, edition_precedente: str, date_precedente: dt.date | None) -> Changements:
    """Statuts à ``date_precedente`` et à ``date`` comparés, mesure par mesure et livrable par livrable."""
    vide_m = pd.DataFrame(columns=["mesure", "ordre", "axe", "avant", "apres"])
    vide_l = pd.DataFrame(columns=["mesure", "ordre", "livrable", "avant", "apres"])
    if date_precedente is None:
        return Changements(edition_precedente, None, False,
                           f"les statuts de l'édition {edition_precedente} ne sont connus que par ses totaux publiés, "
                           "pas mesure par mesure (date de référence inconnue)", vide_m, vide_l, (),
                           len(plan.mesures), len(plan.livrables))
    avant_m, apres_m = statuts_mesures(plan, date_precedente), statuts_mesures(plan, date)
    if (avant_m["categorie"] == CATEGORIE_INCONNUE).any():
        return Changements(edition_precedente, date_precedente, False,
                           f"des mesures n'ont pas de statut daté au {francais.date_longue(date_precedente)}",
                           vide_m, vide_l, (), len(plan.mesures), len(plan.livrables))
    m = avant_m[["mesure", "ordre", "axe", "statut"]].rename(columns={"statut": "avant"}).merge(
        apres_m[["mesure", "statut"]].rename(columns={"statut": "apres"}), on="mesure")
    avant_l, apres_l = statuts_livrables(plan, date_precedente), statuts_livrables(plan, date)
    l = avant_l[["mesure", "ordre", "livrable", "statut"]].rename(columns={"statut": "avant"}).merge(
        apres_l[["mesure", "ordre", "statut"]].rename(columns={"statut": "apres"}), on=["mesure", "ordre"])
    changees = m[m["avant"] != m["apres"]].reset_index(drop=True)
    return Changements(
        edition_precedente, date_precedente, True, "",
        changees, l[l["avant"] != l["apres"]].reset_index(drop=True),
        tuple(m.loc[m["avant"] == m["apres"], "mesure"]), len(m), len(l),
    )
