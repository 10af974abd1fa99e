"""Vie du plan d'action (``data/plan.yml``) : les dates de référence qu'une édition peut porter.

Une date de référence antérieure au lancement du plan, ou bien postérieure à sa fin, est une
faute de frappe que rien d'autre ne signale : les statuts y seraient tous « inconnus » et le
rapport se construirait quand même. Les bornes sont des faits sourcés, lus dans ``data/`` ;
seule la tolérance après la fin est une règle du projet, et le fichier le dit.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bilan import francais
from bilan.config import DONNEES, RACINE
from bilan.lecture import EncodageRefuse, charger_yaml, lire_texte, message_yaml
from bilan.parametres import Parametres, ParametresInvalides
from bilan.validation import ERREUR, Constat

FICHIER = "plan.yml"

# Forme attendue : clé -> nature de la valeur.
SCHEMA: dict[str, dict[str, str]] = {
    "lancement": {"mois": "mois", "source": "texte", "citation": "texte"},
    "fin": {"date": "date", "source": "texte", "citation": "texte", "raison": "texte"},
    "tolerance_apres_fin": {"mois": "nombre de mois", "source": "texte", "raison": "texte"},
}
TOLERANCE_MAX = 36  # mois ; au-delà, la « tolérance » couvrirait un autre plan


@dataclass(frozen=True)
class VieDuPlan:
    """Lancement (au mois près), fin et tolérance du rapport final, chacun avec sa source."""

    lancement: dt.date  # premier jour du mois de lancement
    source_lancement: str
    fin: dt.date
    source_fin: str
    tolerance_mois: int
    source_tolerance: str

    @property
    def premiere_date(self) -> dt.date:
        return self.lancement

    @property
    def derniere_date(self) -> dt.date:
        return ajouter_mois(self.fin, self.tolerance_mois)

    def hors_periode(self, date: dt.date, cle: str) -> str | None:
        """Le problème d'une date de référence hors de la vie du plan, ou None si elle y est."""
        if self.premiere_date <= date <= self.derniere_date:
            return None
        quoi = "précède le lancement du plan" if date < self.premiere_date else "dépasse la fin du plan et sa tolérance"
        return (f"« {cle} » : {date.isoformat()} {quoi}. Dates de référence permises : du "
                f"{francais.date_longue(self.premiere_date)} (lancement en {francais.mois_annee(self.lancement)} ; "
                f"{self.source_lancement}) au {francais.date_longue(self.derniere_date)} (fin du plan le "
                f"{francais.date_longue(self.fin)} ; {self.source_fin} ; plus {self.tolerance_mois} mois pour le "
                f"rapport final : {self.source_tolerance}). Bornes lues dans data/{FICHIER}.")


def ajouter_mois(date: dt.date, mois: int) -> dt.date:
    """``date`` + ``mois`` mois, le jour ramené au dernier du mois s'il n'existe pas (31 → 30)."""
    annees, rang = divmod(date.month - 1 + mois, 12)
    annee, mois_cible = date.year + annees, rang + 1
    return dt.date(annee, mois_cible, min(date.day, calendar.monthrange(annee, mois_cible)[1]))


def _valeur(v: Any, nature: str) -> tuple[Any, str | None]:
    """Valeur typée et None, ou None et la règle enfreinte."""
    if nature == "texte":
        return (v.strip(), None) if isinstance(v, str) and v.strip() else (None, "texte non vide attendu")
    if nature == "mois":
        if isinstance(v, str) and re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", v):
            return dt.date.fromisoformat(v + "-01"), None
        return None, "mois attendu au format AAAA-MM entre guillemets (ex. \"2021-12\")"
    if nature == "date":
        if isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            try:
                return dt.date.fromisoformat(v), None
            except ValueError:
                pass
        return None, "la date doit exister et s'écrire AAAA-MM-JJ (ex. 2026-03-31)"
    # nombre de mois
    if isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= TOLERANCE_MAX:
        return v, None
    return None, f"nombre entier de mois attendu, de 0 à {TOLERANCE_MAX}"


def lire_vie_du_plan(dossier: Path = DONNEES) -> tuple[VieDuPlan | None, list[Constat]]:
    """Lit et valide ``data/plan.yml`` ; un fichier invalide donne des constats et pas de ``VieDuPlan``."""
    chemin = Path(dossier) / FICHIER

    def faute(regle: str, cle: str | None = None, valeur: Any = None) -> Constat:
        return Constat(ERREUR, FICHIER, None, cle, None if valeur is None else str(valeur), regle)

    if not chemin.is_file():
        return None, [faute("fichier absent : il donne le lancement et la fin du plan (voir data/README.md)")]
    try:
        contenu = charger_yaml(lire_texte(chemin))
    except EncodageRefuse as err:
        return None, [faute(err.raison)]
    except yaml.YAMLError as err:
        return None, [faute(message_yaml(err))]
    except OSError as err:
        return None, [faute(f"fichier illisible : {err.strerror}")]
    if contenu is None:
        return None, [faute("fichier vide : lancement, fin et tolerance_apres_fin sont attendus")]
    if not isinstance(contenu, dict):
        return None, [faute(f"le fichier doit être un groupe de clés : {', '.join(SCHEMA)}")]

    constats: list[Constat] = []
    valeurs: dict[str, Any] = {}
    for cle in contenu:
        if cle not in SCHEMA:
            constats.append(faute(f"clé inconnue (clés permises : {', '.join(SCHEMA)})", str(cle)))
    for groupe, champs in SCHEMA.items():
        bloc = contenu.get(groupe)
        if not isinstance(bloc, dict):
            constats.append(faute(f"clé manquante ou mal formée : groupe de clés {', '.join(champs)} attendu", groupe))
            continue
        for cle in bloc:
            if cle not in champs:
                constats.append(faute(f"clé inconnue (clés permises : {', '.join(champs)})", f"{groupe}.{cle}"))
        for champ, nature in champs.items():
            if champ not in bloc:
                constats.append(faute("clé manquante", f"{groupe}.{champ}"))
                continue
            valeur, regle = _valeur(bloc[champ], nature)
            if regle:
                constats.append(faute(regle, f"{groupe}.{champ}", bloc[champ]))
            else:
                valeurs[f"{groupe}.{champ}"] = valeur
    if constats:
        return None, constats
    vie = VieDuPlan(
        lancement=valeurs["lancement.mois"],
        source_lancement=valeurs["lancement.source"],
        fin=valeurs["fin.date"],
        source_fin=valeurs["fin.source"],
        tolerance_mois=valeurs["tolerance_apres_fin.mois"],
        source_tolerance=valeurs["tolerance_apres_fin.source"],
    )
    if vie.lancement >= vie.fin:
        return None, [faute("la fin du plan doit suivre son lancement", "fin.date", vie.fin.isoformat())]
    return vie, []


def verifier_dates(params: Parametres, dossier: Path = DONNEES) -> None:
    """Lève ``ParametresInvalides`` si une date de référence de l'édition sort de la vie du plan."""
    vie, constats = lire_vie_du_plan(dossier)
    nom = _nom(params)
    if vie is None:
        raise ParametresInvalides(nom, [f"dates de référence non vérifiées : data/{FICHIER} est invalide ({constats[0].regle})"])
    problemes = [p for p in (
        vie.hors_periode(params.date_reference, "date_reference"),
        None if params.date_precedente is None else vie.hors_periode(params.date_precedente, "edition_precedente.date_reference"),
    ) if p]
    if problemes:
        raise ParametresInvalides(nom, problemes)


def _nom(params: Parametres) -> str:
    """Le fichier de paramètres tel qu'un analyste le nomme (relatif à la racine si possible)."""
    return str(params.fichier.relative_to(RACINE)) if params.fichier.is_relative_to(RACINE) else str(params.fichier)
