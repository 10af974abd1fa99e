"""Paramètres d'une édition (``params/AAAA.yml``) : lecture et validation.

Le fichier est un petit document imbriqué, pas une table : pandera ne s'y prête pas, et les
messages de jsonschema sont en anglais. Un validateur de quelques lignes, écrit ici, donne
des messages français qui nomment la clé fautive ; il vérifie les clés manquantes, les clés
inconnues, les types et les dates.

Une édition en préparation (``etat: brouillon``) peut laisser des faits encore inconnus (ISBN,
mois de dépôt, signataire…) sous la forme d'une **valeur à préciser** : un texte qui commence par
« À PRÉCISER », par exemple ``"À PRÉCISER : ISBN de la version imprimée"``, permis pour toute
feuille du document, même là où un entier, une date, un mois ou un ISBN est attendu. Un brouillon
est conforme et les énumère en avertissements ; une édition ``final`` les refuse, clé par clé.
Seules les clés dont tout le calcul dépend (``NON_DIFFERABLES``) doivent être connues d'emblée.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bilan.config import chemin_projet
from bilan.lecture import EncodageRefuse, lire_texte, message_yaml

# Forme attendue : clé -> type, ou dictionnaire imbriqué. « ? » en fin de clé = facultative ;
# « date? » comme type = date ou null (inconnue).
SCHEMA: dict[str, Any] = {
    "etat": "etat",
    "rapport": {"numero": int, "titre": str},
    "date_reference": "date",
    "mois_depot": "mois",
    "edition_precedente": {"edition": int, "date_reference": "date?"},
    "plan": {"titre": str, "sous_titre": str, "sigle": str},
    "editeur": {
        "ministere": str,
        "producteur": str,
        "adresse": [str],
        "courriel": str,
        "telephone": str,
        "sans_frais": str,
        "telecopieur": str,
    },
    "signataire": {"mention": str, "nom": str, "fonctions": [str]},
    "citation": str,
    "isbn": {"imprime": str, "pdf": str},
    "depot_legal": {"annee": int, "bibliotheque": str},
    "code_publication": str,
    "droits": str,
    "copyright": str,
}



class _Chargeur(yaml.SafeLoader):
    """Chargeur YAML qui garde les dates en texte : PyYAML plante sur « 2024-09-31 » au lieu de
    laisser le validateur dire quelle clé porte une date impossible."""


_Chargeur.yaml_implicit_resolvers = {
    debut: [(tag, motif) for tag, motif in resolveurs if tag != "tag:yaml.org,2002:timestamp"]
    for debut, resolveurs in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

ISBN = re.compile(r"^978-\d{1,5}-\d{1,7}-\d{1,7}-\d$")

ETATS: tuple[str, ...] = ("brouillon", "final")
A_PRECISER = "À PRÉCISER"

# Sans elles, rien ne se calcule (statuts à la date, comparaison, nom de l'édition) : un brouillon
# ne peut pas les différer.
NON_DIFFERABLES: tuple[str, ...] = ("etat", "date_reference", "edition_precedente.edition")


def est_a_preciser(valeur: Any) -> bool:
    """Vrai pour une valeur provisoire : un texte qui contient « À PRÉCISER » (en tête, d'ordinaire).

    Un marqueur glissé au milieu d'un texte compte aussi : une édition finale ne doit en garder aucun.
    """
    return isinstance(valeur, str) and A_PRECISER in valeur


class ParametresInvalides(Exception):
    """Levée avec la liste de tous les problèmes trouvés dans le fichier de paramètres."""

    def __init__(self, fichier: str, problemes: list[str]):
        self.fichier = fichier
        self.problemes = problemes
        super().__init__(f"{fichier} : {len(problemes)} problème(s)\n" + "\n".join(f"  - {p}" for p in problemes))


@dataclass(frozen=True)
class Parametres:
    """Paramètres validés d'une édition ; ``edition`` est le nom du fichier sans extension."""

    fichier: Path
    edition: str
    date_reference: dt.date
    mois_depot: dt.date | None  # None tant que le mois de dépôt est « À PRÉCISER » (brouillon)
    edition_precedente: str
    date_precedente: dt.date | None
    brut: dict[str, Any]
    etat: str = "final"
    a_preciser: tuple[str, ...] = ()  # clés pointées (« isbn.imprime ») qui portent une valeur à préciser
    avertissements: tuple[str, ...] = ()  # une ligne par valeur à préciser, dans le style de ``valider``

    def __getitem__(self, cle: str) -> Any:
        return self.brut[cle]

    @property
    def brouillon(self) -> bool:
        """Vrai pour une édition en préparation : ses valeurs à préciser sont permises."""
        return self.etat == "brouillon"


def _verifier(valeur: Any, attendu: Any, chemin: str, problemes: list[str], a_preciser: dict[str, str]) -> None:
    """Compare ``valeur`` à la forme ``attendu`` ; note dans ``a_preciser`` les feuilles provisoires."""
    if not isinstance(attendu, dict) and est_a_preciser(valeur):
        a_preciser[chemin] = valeur
        return
    if isinstance(attendu, list) and isinstance(valeur, list):
        provisoires = [v for v in valeur if est_a_preciser(v)]
        if provisoires:
            a_preciser[chemin] = provisoires[0]
    if isinstance(attendu, dict):
        if not isinstance(valeur, dict):
            problemes.append(f"« {chemin} » doit être un groupe de clés ({', '.join(attendu)})")
            return
        for cle, sous in attendu.items():
            ici = f"{chemin}.{cle}" if chemin else cle
            if cle not in valeur:
                problemes.append(f"clé manquante : « {ici} »")
            else:
                _verifier(valeur[cle], sous, ici, problemes, a_preciser)
        for cle in valeur:
            if cle not in attendu:
                ici = f"{chemin}.{cle}" if chemin else cle
                problemes.append(f"clé inconnue : « {ici} » (clés permises : {', '.join(attendu)})")
    elif isinstance(attendu, list):
        if not isinstance(valeur, list) or not valeur or not all(isinstance(v, str) and v.strip() for v in valeur):
            problemes.append(f"« {chemin} » doit être une liste non vide de textes")
    elif attendu in ("date", "date?"):
        if valeur is None and attendu == "date?":
            return
        if isinstance(valeur, dt.datetime) or not isinstance(valeur, (dt.date, str)):
            problemes.append(f"« {chemin} » : date attendue au format AAAA-MM-JJ, reçu « {valeur} »")
        elif isinstance(valeur, str):
            try:
                dt.date.fromisoformat(valeur)
            except ValueError:
                problemes.append(f"« {chemin} » : date invalide « {valeur} » (format AAAA-MM-JJ, date existante)")
    elif attendu == "etat":
        if valeur not in ETATS:
            problemes.append(f"« {chemin} » : « brouillon » ou « final » attendu, reçu « {valeur} »")
    elif attendu == "mois":
        if not (isinstance(valeur, str) and re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", valeur)):
            problemes.append(f"« {chemin} » : mois attendu au format AAAA-MM entre guillemets, reçu « {valeur} »")
    elif attendu is int:
        if isinstance(valeur, bool) or not isinstance(valeur, int):
            problemes.append(f"« {chemin} » : nombre entier attendu, reçu « {valeur} »")
    elif attendu is str:
        if not isinstance(valeur, str) or not valeur.strip():
            problemes.append(f"« {chemin} » : texte non vide attendu, reçu « {valeur} »")


def _date(v: Any) -> dt.date:
    return v if isinstance(v, dt.date) else dt.date.fromisoformat(v)


def lire_parametres(chemin: str | Path) -> Parametres:
    """Lit et valide un fichier de paramètres ; lève ``ParametresInvalides`` avec tous les problèmes."""
    fichier = chemin_projet(chemin)
    nom = str(chemin)
    if not fichier.exists():
        raise ParametresInvalides(nom, [f"fichier introuvable : {fichier}"])
    try:
        brut = yaml.load(lire_texte(fichier), Loader=_Chargeur)  # noqa: S506 (chargeur sûr)
    except EncodageRefuse as err:
        raise ParametresInvalides(nom, [err.raison]) from None
    except OSError as err:
        raise ParametresInvalides(nom, [f"fichier illisible : {err.strerror or err}"]) from None
    except yaml.YAMLError as err:
        raise ParametresInvalides(nom, [message_yaml(err)]) from err
    if not isinstance(brut, dict):
        raise ParametresInvalides(nom, [f"le fichier doit être un groupe de clés ({', '.join(SCHEMA)})"
                                        + (" ; il est vide" if brut is None else "")])
    problemes: list[str] = []
    provisoires: dict[str, str] = {}
    _verifier(brut, SCHEMA, "", problemes, provisoires)
    for cle in NON_DIFFERABLES:
        if cle in provisoires:
            problemes.append(f"« {cle} » ne peut pas rester à préciser (« {provisoires.pop(cle)} ») : toute l'édition en dépend")
    if not problemes:
        for cle in ("imprime", "pdf"):
            if f"isbn.{cle}" not in provisoires and not ISBN.match(brut["isbn"][cle]):
                problemes.append(f"« isbn.{cle} » : ISBN-13 attendu (978-…), reçu « {brut['isbn'][cle]} »")
        precedente = brut["edition_precedente"]
        if (precedente["date_reference"] is not None and "edition_precedente.date_reference" not in provisoires
                and _date(precedente["date_reference"]) >= _date(brut["date_reference"])):
            problemes.append("« edition_precedente.date_reference » doit précéder « date_reference »")
        if brut["etat"] == "final":
            problemes += [
                f"« {cle} » est encore à préciser (« {valeur} ») : une édition « etat: final » n'en admet aucune ;"
                " remplacer la valeur, ou remettre « etat: brouillon »"
                for cle, valeur in provisoires.items()
            ]
    if problemes:
        raise ParametresInvalides(nom, problemes)
    precedente = brut["edition_precedente"]
    return Parametres(
        fichier=fichier,
        edition=fichier.stem,
        date_reference=_date(brut["date_reference"]),
        mois_depot=None if "mois_depot" in provisoires else dt.date.fromisoformat(brut["mois_depot"] + "-01"),
        edition_precedente=str(precedente["edition"]),
        date_precedente=(None if precedente["date_reference"] is None or "edition_precedente.date_reference" in provisoires
                         else _date(precedente["date_reference"])),
        brut=brut,
        etat=brut["etat"],
        a_preciser=tuple(provisoires),
        avertissements=tuple(
            f"Avertissement – {nom}, clé « {cle} », valeur « {valeur} » : à préciser avant de passer l'édition à « etat: final »"
            for cle, valeur in provisoires.items()
        ),
    )
