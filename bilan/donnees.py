"""Lecture des données du plan (``data/``), validation, puis typage en un objet ``Plan``."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import yaml

from bilan.config import DONNEES
from bilan.validation import (
    ERREUR,
    Constat,
    DonneesInvalides,
    valider_relations,
    valider_schema,
)

FICHIERS: tuple[str, ...] = (
    "axes.yml",
    "mesures.csv",
    "budgets_communs.csv",
    "organisations.csv",
    "mesures_organisations.csv",
    "mesures_recommandations.csv",
    "livrables.csv",
    "statuts.csv",
    "statuts_mesures.csv",
    "statuts_livrables.csv",
    "recommandations.yml",
    "comite_2020.csv",
    "editions_publiees.csv",
)


@dataclass(frozen=True)
class Plan:
    """Les faits du plan, validés et typés ; une table par fichier de ``data/``."""

    axes: pd.DataFrame
    mesures: pd.DataFrame
    budgets_communs: pd.DataFrame
    organisations: pd.DataFrame
    mesures_organisations: pd.DataFrame
    mesures_recommandations: pd.DataFrame
    livrables: pd.DataFrame
    statuts: pd.DataFrame
    statuts_mesures: pd.DataFrame
    statuts_livrables: pd.DataFrame
    recommandations: pd.DataFrame
    comite: pd.DataFrame
    editions_publiees: pd.DataFrame
    avertissements: tuple[Constat, ...] = ()

    def mesure(self, identifiant: str) -> pd.Series:
        """La ligne de ``mesures.csv`` d'une mesure ; KeyError explicite sinon."""
        rang = self._rangs.get(identifiant)
        if rang is None:
            raise KeyError(f"Mesure inconnue : « {identifiant} » (voir data/mesures.csv)")
        return self.mesures.iloc[rang]

    def organisations_de(self, mesure: str, role: str) -> list[str]:
        """Porteurs (``role="porteur"``) ou collaborateurs d'une mesure, dans l'ordre imprimé."""
        return list(self._organisations.get((mesure, role), ()))

    def recommandations_de(self, mesure: str) -> list[int]:
        """Numéros des recommandations liées à la mesure, en ordre croissant."""
        return list(self._recommandations.get(mesure, ()))

    def budget_commun(self, identifiant: str) -> tuple[int, list[str]]:
        """Montant d'une enveloppe partagée et ses mesures, dans l'ordre du rapport ; KeyError sinon."""
        return self._montants_communs[identifiant], list(self._partageurs.get(identifiant, ()))

    # Index calculés au premier usage : une fiche ou une ligne d'export lit ses lignes au lieu de
    # filtrer les tables entières, ce qui rendait le rapport quadratique en nombre de mesures.
    # (cached_property écrit dans __dict__ : compatible avec frozen=True ; tables jamais modifiées.)

    @cached_property
    def _rangs(self) -> dict[str, int]:
        rangs: dict[str, int] = {}
        for rang, m in enumerate(self.mesures["mesure"]):
            rangs.setdefault(m, rang)  # la première ligne, comme un filtre suivi de iloc[0]
        return rangs

    @cached_property
    def _organisations(self) -> dict[tuple[str, str], list[str]]:
        orgs = self.mesures_organisations.sort_values("ordre", kind="stable")
        groupes: dict[tuple[str, str], list[str]] = {}
        for m, role, o in zip(orgs["mesure"], orgs["role"], orgs["organisation"]):
            groupes.setdefault((m, role), []).append(o)
        return groupes

    @cached_property
    def _recommandations(self) -> dict[str, list[int]]:
        groupes: dict[str, list[int]] = {}
        for m, n in zip(self.mesures_recommandations["mesure"], self.mesures_recommandations["recommandation"]):
            groupes.setdefault(m, []).append(int(n))
        return {m: sorted(ns) for m, ns in groupes.items()}

    @cached_property
    def _montants_communs(self) -> dict[str, int]:
        return {b: int(v) for b, v in zip(self.budgets_communs["budget_commun"], self.budgets_communs["montant"])}

    @cached_property
    def _partageurs(self) -> dict[str, list[str]]:
        groupes: dict[str, list[str]] = {}
        for m, b in zip(self.mesures["mesure"], self.mesures["budget_commun"]):
            groupes.setdefault(b, []).append(m)
        return groupes


def _lire_yaml(texte: str) -> object:
    """YAML sûr, lu par libyaml (C) quand PyYAML en dispose : cinq fois plus rapide sur les
    recommandations d'un grand plan. PyYAML pur Python reste la référence : il relit un fichier
    que libyaml refuse (le message d'erreur reste le même) et tout fichier qui contient une
    tabulation (libyaml en accepte là où PyYAML les refuse)."""
    chargeur = getattr(yaml, "CSafeLoader", None)
    if chargeur is not None and "\t" not in texte:
        try:
            return yaml.load(texte, Loader=chargeur)  # noqa: S506 (chargeur sûr)
        except yaml.YAMLError:
            pass
    return yaml.safe_load(texte)


def _texte(v: object) -> str:
    """Valeur YAML → texte tel qu'écrit (les nombres et booléens deviennent du texte à valider)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v).strip() if not isinstance(v, str) else v.strip()


def lire_fichier(chemin: Path) -> tuple[pd.DataFrame | None, list[Constat]]:
    """Lit un fichier CSV ou YAML en table de textes ; un fichier illisible devient un constat."""
    nom = chemin.name
    if not chemin.exists():
        return None, [Constat(ERREUR, nom, None, None, None, "fichier absent")]
    try:
        if nom.endswith(".yml"):
            contenu = _lire_yaml(chemin.read_text(encoding="utf-8"))
            if not isinstance(contenu, list) or not all(isinstance(e, dict) for e in contenu):
                return None, [Constat(ERREUR, nom, None, None, None, "le fichier doit contenir une liste d'éléments clé : valeur")]
            colonnes = list(dict.fromkeys(k for e in contenu for k in e))
            table = pd.DataFrame([{k: _texte(e.get(k)) for k in colonnes} for e in contenu], columns=colonnes, dtype=object)
        else:
            with chemin.open(encoding="utf-8", newline="") as f:
                lignes = list(csv.reader(f))
            if not lignes:
                return None, [Constat(ERREUR, nom, None, None, None, "fichier vide : une ligne d'en-tête est attendue")]
            entete, corps = lignes[0], lignes[1:]
            constats = [
                Constat(ERREUR, nom, i + 2, None, ",".join(l), f"{len(l)} champ(s) au lieu de {len(entete)} (virgule en trop ou guillemets manquants ?)")
                for i, l in enumerate(corps)
                if len(l) != len(entete) and any(x.strip() for x in l)
            ]
            if constats:
                return None, constats
            corps = [l for l in corps if len(l) == len(entete)]
            table = pd.DataFrame(corps, columns=entete, dtype=object)
            table = table.map(lambda v: v.strip())
    except (yaml.YAMLError, UnicodeDecodeError, csv.Error) as err:
        return None, [Constat(ERREUR, nom, None, None, None, f"fichier illisible ({type(err).__name__} : {err})")]
    return table.astype(str), []


def verifier(dossier: Path = DONNEES) -> tuple[dict[str, pd.DataFrame], list[Constat]]:
    """Lit et valide tous les fichiers ; renvoie les tables brutes et tous les constats."""
    tables: dict[str, pd.DataFrame] = {}
    constats: list[Constat] = []
    for nom in FICHIERS:
        table, lus = lire_fichier(Path(dossier) / nom)
        constats += lus
        if table is not None:
            tables[nom] = table
            constats += valider_schema(nom, table)
    if not any(c.niveau == ERREUR for c in constats):
        constats += valider_relations(tables)
    return tables, constats


def _entiers(table: pd.DataFrame, *colonnes: str) -> pd.DataFrame:
    table = table.copy()
    for c in colonnes:
        table[c] = table[c].astype(int)
    return table


def _dates(table: pd.DataFrame) -> pd.DataFrame:
    table = table.copy()
    table["date"] = table["date"].map(dt.date.fromisoformat)
    return table


def charger_plan(dossier: Path = DONNEES) -> Plan:
    """Charge le plan validé ; lève ``DonneesInvalides`` (tous les constats) à la moindre erreur."""
    t, constats = verifier(dossier)
    if any(c.niveau == ERREUR for c in constats):
        raise DonneesInvalides(constats)
    mesures = _entiers(t["mesures.csv"], "ordre", "axe").sort_values("ordre").reset_index(drop=True)
    mesures["budget"] = mesures["budget"].map(lambda v: int(v) if v else None).astype("Int64")
    return Plan(
        axes=_entiers(t["axes.yml"], "axe").sort_values("axe").reset_index(drop=True),
        mesures=mesures,
        budgets_communs=_entiers(t["budgets_communs.csv"], "montant"),
        organisations=t["organisations.csv"].assign(plusieurs=lambda d: d["plusieurs"] == "true"),
        mesures_organisations=_entiers(t["mesures_organisations.csv"], "ordre"),
        mesures_recommandations=_entiers(t["mesures_recommandations.csv"], "recommandation"),
        livrables=_entiers(t["livrables.csv"], "ordre"),
        statuts=_entiers(t["statuts.csv"], "ordre"),
        statuts_mesures=_dates(t["statuts_mesures.csv"]),
        statuts_livrables=_dates(_entiers(t["statuts_livrables.csv"], "ordre")),
        recommandations=_entiers(t["recommandations.yml"], "numero").sort_values("numero").reset_index(drop=True),
        comite=_entiers(t["comite_2020.csv"], "ordre").assign(porteur=lambda d: d["porteur"] == "true"),
        editions_publiees=_entiers(t["editions_publiees.csv"], "edition", "nombre", "total"),
        avertissements=tuple(c for c in constats if c.niveau != ERREUR),
    )
