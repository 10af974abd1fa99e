"""Lecture des données du plan (``data/``), validation, puis typage en un objet ``Plan``."""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import yaml

from bilan.calendrier import FICHIER as FICHIER_VIE_DU_PLAN
from bilan.calendrier import lire_vie_du_plan
from bilan.config import DONNEES
from bilan.lecture import EncodageRefuse, charger_yaml, lire_texte, message_yaml
from bilan.validation import (
    AVERTISSEMENT,
    ERREUR,
    Constat,
    DonneesInvalides,
    valider_caracteres,
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
    FICHIER_VIE_DU_PLAN,  # vie du plan (plan.yml) : pas une table, lu par bilan.calendrier
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


def _texte(v: object) -> str:
    """Valeur YAML → texte tel qu'écrit (les nombres et booléens deviennent du texte à valider)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v).strip() if not isinstance(v, str) else v.strip()


def _extrait(valeur: str, largeur: int = 80) -> str:
    """Valeur brute raccourcie pour un message (une ligne CSV mal formée peut être très longue)."""
    une_ligne = valeur.replace("\n", "⏎")
    return une_ligne if len(une_ligne) <= largeur else une_ligne[: largeur - 1] + "…"


def _lire_yaml(nom: str, texte: str) -> tuple[pd.DataFrame | None, list[Constat]]:
    try:
        contenu = charger_yaml(texte)
    except yaml.YAMLError as err:
        return None, [Constat(ERREUR, nom, None, None, None, message_yaml(err))]
    if not isinstance(contenu, list) or not all(isinstance(e, dict) for e in contenu):
        return None, [Constat(ERREUR, nom, None, None, None, "le fichier doit contenir une liste d'éléments clé : valeur")]
    colonnes = list(dict.fromkeys(str(k) for e in contenu for k in e))
    table = pd.DataFrame([{k: _texte(e.get(k)) for k in colonnes} for e in contenu], columns=colonnes, dtype=object)
    return table.astype(str), []


def _erreur_csv(erreur: str, ligne_erreur: int) -> str:
    """Erreur du module csv (en anglais) dite en mots d'analyste."""
    if "unexpected end of data" in erreur:
        return ("guillemet ouvert sur cette ligne et jamais refermé : toute la suite du fichier serait lue "
                "comme une seule valeur ; ajouter le guillemet fermant")
    if "expected after" in erreur:
        return (f"guillemet mal placé dans la valeur qui commence sur cette ligne (lu à la ligne {ligne_erreur}) : "
                "une valeur entre guillemets se termine par un guillemet suivi d'une virgule ; un guillemet "
                "à l'intérieur s'écrit \"\" ; un guillemet ouvert et jamais refermé plus haut donne aussi cette erreur")
    return f"CSV illisible ({erreur})"


def _sans_colonnes_vides_finales(entete: list[str], corps: list[tuple[int, list[str]]]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """En-tête et lignes sans les colonnes finales sans nom ni valeur, que laisse un tableur
    (« mesure,date,statut,source,, ») : elles ne portent aucun fait. Une colonne sans nom qui
    contient une valeur est gardée, et l'en-tête la signale."""
    n = len(entete)
    while n and entete[n - 1] == "" and all(len(c) == len(entete) and not c[n - 1].strip() for _, c in corps):
        n -= 1
    return entete[:n], [(ligne, c[:n]) for ligne, c in corps] if n < len(entete) else corps


def _lire_csv(nom: str, texte: str) -> tuple[pd.DataFrame | None, list[Constat]]:
    """Table de textes dont l'index est le numéro de ligne moins 2 (``ligne_fichier`` le rend) :
    les lignes vides sautées et les valeurs sur plusieurs lignes ne décalent pas les messages."""
    lecteur = csv.reader(io.StringIO(texte), strict=True)
    enregistrements: list[tuple[int, list[str]]] = []
    debut = 1
    try:
        for champs in lecteur:
            if any(c.strip() for c in champs):  # une ligne vide (ou « ,,, » d'un tableur) ne porte aucun fait
                enregistrements.append((debut, champs))
            debut = lecteur.line_num + 1
    except csv.Error as err:
        return None, [Constat(ERREUR, nom, debut, None, None, _erreur_csv(str(err), lecteur.line_num))]
    if not enregistrements:
        return None, [Constat(ERREUR, nom, None, None, None, "fichier vide : une ligne d'en-tête est attendue")]
    ligne_entete, entete = enregistrements[0]
    entete, corps = _sans_colonnes_vides_finales([c.strip() for c in entete], enregistrements[1:])
    if len(entete) == 1 and (";" in entete[0] or "\t" in entete[0]):
        separateur = "point-virgule" if ";" in entete[0] else "tabulation"
        return None, [Constat(ERREUR, nom, ligne_entete, None, _extrait(entete[0]),
                              f"colonnes séparées par des {separateur}s : le séparateur doit être la virgule. "
                              "Excel : enregistrer en « CSV UTF-8 (délimité par des virgules) » ; LibreOffice : "
                              "« Éditer les paramètres du filtre », séparateur de champ « , »")]
    constats = []
    for ligne, champs in corps:
        if [c.strip() for c in champs] == entete:
            constats.append(Constat(ERREUR, nom, ligne, None, _extrait(",".join(champs)),
                                    "la ligne d'en-tête est répétée (deux fichiers collés ?) : supprimer cette ligne"))
            continue
        if len(champs) == len(entete):
            continue
        constats.append(Constat(ERREUR, nom, ligne, None, _extrait(",".join(champs)),
                                f"{len(champs)} champ(s) au lieu de {len(entete)} (virgule en trop ou guillemets manquants ?)"))
    if constats:
        return None, constats
    table = pd.DataFrame([c for _, c in corps], columns=entete, index=[ligne - 2 for ligne, _ in corps], dtype=object)
    return table.map(lambda v: v.strip()).astype(str), []


def lire_fichier(chemin: Path) -> tuple[pd.DataFrame | None, list[Constat]]:
    """Lit un fichier CSV ou YAML en table de textes ; un fichier illisible devient un seul constat.

    BOM et fins de ligne CRLF (Excel « CSV UTF-8 ») sont acceptés ; un autre encodage est refusé
    par un message qui dit comment réenregistrer le fichier (voir ``bilan.lecture``).
    """
    nom = chemin.name
    if not chemin.exists():
        return None, [Constat(ERREUR, nom, None, None, None, "fichier absent")]
    try:
        texte = lire_texte(chemin)
    except EncodageRefuse as err:
        return None, [Constat(ERREUR, nom, None, None, None, err.raison)]
    except OSError as err:
        return None, [Constat(ERREUR, nom, None, None, None, f"fichier illisible : {err.strerror or err}")]
    if not texte.strip():
        return None, [Constat(ERREUR, nom, None, None, None, "fichier vide : " + (
            "une liste d'éléments est attendue" if nom.endswith(".yml") else "une ligne d'en-tête est attendue"))]
    return _lire_yaml(nom, texte) if nom.endswith(".yml") else _lire_csv(nom, texte)


def _fichiers_inconnus(dossier: Path) -> list[Constat]:
    """Un fichier que la construction ne lit pas, souvent une copie (« statuts_mesures (1).csv ») :
    l'analyste a peut-être corrigé celui-là au lieu de l'original ; on le dit sans l'arrêter."""
    constats: list[Constat] = []
    for chemin in sorted(dossier.iterdir()) if dossier.is_dir() else []:
        if chemin.name in FICHIERS or chemin.name == "README.md" or chemin.name.startswith(".") or not chemin.is_file():
            continue
        proche = difflib.get_close_matches(chemin.name.lower(), FICHIERS, n=1, cutoff=0.6)
        constats.append(Constat(AVERTISSEMENT, chemin.name, None, None, None,
                                "fichier inconnu, ignoré par la construction"
                                + (f" (copie ou autre nom de {proche[0]} ? seul {proche[0]} est lu)" if proche else "")))
    return constats


def verifier(dossier: Path = DONNEES) -> tuple[dict[str, pd.DataFrame], list[Constat]]:
    """Lit et valide tous les fichiers ; renvoie les tables brutes et tous les constats.

    Les règles entre fichiers supposent des tables conformes : tant qu'un fichier est en
    faute, elles ne sont pas vérifiées, et un avertissement le dit au lieu d'ajouter des
    erreurs qui n'en seraient que la conséquence.
    """
    tables: dict[str, pd.DataFrame] = {}
    constats: list[Constat] = []
    for nom in FICHIERS:
        if nom == FICHIER_VIE_DU_PLAN:
            constats += lire_vie_du_plan(dossier)[1]
            continue
        table, lus = lire_fichier(Path(dossier) / nom)
        constats += lus
        if table is not None:
            tables[nom] = table
            constats += valider_caracteres(nom, table) + valider_schema(nom, table)
    constats += _fichiers_inconnus(Path(dossier))
    en_faute = list(dict.fromkeys(c.fichier for c in constats if c.niveau == ERREUR and c.fichier != FICHIER_VIE_DU_PLAN))
    if en_faute:
        qui = "ce fichier est" if len(en_faute) == 1 else f"ce fichier et {', '.join('data/' + f for f in en_faute[1:])} sont"
        constats.append(Constat(AVERTISSEMENT, en_faute[0], None, None, None,
                                "règles entre fichiers (mesures, organisations, livrables et statuts connus, budgets, "
                                f"notes, totaux) non vérifiées tant que {qui} en faute : corriger d'abord les erreurs ci-dessus"))
    else:
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
    t = {nom: table.reset_index(drop=True) for nom, table in t.items()}  # index = rang, plus le n° de ligne
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
