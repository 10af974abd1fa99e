"""Nouvelle édition : écrire ``params/AAAA.yml`` en brouillon à partir de la plus récente.

Ce qui se déduit est calculé (numéro et titre du rapport, édition précédente et sa date de
référence, pour une comparaison mesure par mesure) ; ce qui ne change pas d'une édition à
l'autre est recopié (plan, éditeur, droits…) ; tout fait encore inconnu (ISBN, signataire, mois
de dépôt, code de publication, année du dépôt légal, citation, droit d'auteur) devient une valeur
« À PRÉCISER : … » que la validation liste tant que l'édition est un brouillon, et refuse quand
elle passe à « final ». Rien n'est inventé.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import yaml

from bilan import francais
from bilan.config import PARAMETRES
from bilan.parametres import A_PRECISER, Parametres, ParametresInvalides, lire_parametres

# Ordinaux écrits en toutes lettres, pour « Troisième rapport de mise en œuvre ». Babel sait
# écrire les dates et les nombres, mais pas les ordinaux en lettres (ni ses données CLDR, qui
# n'ont que les formes abrégées « 3e ») : la petite table est donc écrite ici, à la main. Au-delà,
# le titre reste « À PRÉCISER » plutôt que deviné.
ORDINAUX: dict[int, str] = {
    1: "Premier",
    2: "Deuxième",
    3: "Troisième",
    4: "Quatrième",
    5: "Cinquième",
    6: "Sixième",
    7: "Septième",
    8: "Huitième",
    9: "Neuvième",
    10: "Dixième",
}

_NOM_EDITION = re.compile(r"^(\d{4})\.yml$")


class EditionImpossible(Exception):
    """La nouvelle édition ne peut pas être écrite ; le message dit pourquoi et quoi faire."""


def editions(dossier: Path = PARAMETRES) -> list[int]:
    """Les années des éditions présentes (``params/AAAA.yml``), en ordre croissant."""
    return sorted(int(m.group(1)) for f in Path(dossier).glob("*.yml") if (m := _NOM_EDITION.match(f.name)))


def titre_rapport(numero: int, titre_precedent: str, numero_precedent: int) -> str:
    """Titre du rapport n° ``numero`` sur le modèle du précédent (« Deuxième rapport… » → « Troisième rapport… »)."""
    ancien, nouveau = ORDINAUX.get(numero_precedent), ORDINAUX.get(numero)
    if ancien and nouveau and titre_precedent.startswith(ancien + " "):
        return nouveau + titre_precedent[len(ancien):]
    return f"{A_PRECISER} : titre du rapport n° {numero} (sur le modèle de « {titre_precedent} »)"


def _scalaire(valeur: Any) -> str:
    """Une valeur YAML sur une ligne, citée seulement si nécessaire (yaml.safe_dump en décide)."""
    if isinstance(valeur, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", valeur):
        return valeur  # une date reste une date (le lecteur de paramètres la garde en texte)
    texte = yaml.safe_dump(valeur, allow_unicode=True, default_flow_style=True, width=10_000)
    texte = texte.removesuffix("\n").removesuffix("\n...").strip()
    if texte.startswith("'") and isinstance(valeur, str) and not re.search(r'["\\\x00-\x1f]', valeur):
        return f'"{valeur}"'  # guillemets doubles : l'apostrophe française reste telle quelle
    return texte


def _texte_long(cle: str, valeur: str, retrait: int) -> str:
    """``cle: >-`` suivi du texte replié à 96 colonnes, comme dans params/2024.yml."""
    marge = " " * (retrait + 2)
    if "\n" in valeur or "  " in valeur or valeur != valeur.strip():
        return f"{' ' * retrait}{cle}: {_scalaire(valeur)}"
    lignes = textwrap.wrap(valeur, width=96 - len(marge), break_long_words=False, break_on_hyphens=False)
    return f"{' ' * retrait}{cle}: >-\n" + "\n".join(marge + ligne for ligne in lignes)


def _ligne(cle: str, valeur: Any, retrait: int = 0, commentaire: str = "") -> str:
    """``cle: valeur`` ; une ligne trop longue devient un bloc replié ; commentaire aligné en colonne 33."""
    ligne = f"{' ' * retrait}{cle}: {_scalaire(valeur)}"
    if isinstance(valeur, str) and len(ligne) > 96 and not commentaire:
        return _texte_long(cle, valeur, retrait)
    return f"{ligne:<31} # {commentaire}" if commentaire else ligne


def _liste(cle: str, valeurs: list[Any], retrait: int) -> str:
    return "\n".join([f"{' ' * retrait}{cle}:"] + [f"{' ' * (retrait + 2)}- {_scalaire(v)}" for v in valeurs])


def _modele(valeur: Any, edition: str) -> str:
    """Commentaire qui rappelle la valeur de l'édition précédente, comme modèle à adapter."""
    if isinstance(valeur, list):
        valeur = " / ".join(str(v) for v in valeur)
    return f"# {edition} : {' '.join(str(valeur).split())}"


def contenu(precedente: Parametres, annee: int, date_reference: dt.date) -> tuple[str, dict[str, Any]]:
    """Le texte commenté de ``params/<annee>.yml`` et les valeurs qu'il doit donner une fois lu."""
    p = precedente.brut
    ancienne = precedente.edition
    numero = p["rapport"]["numero"] + 1 if isinstance(p["rapport"]["numero"], int) else None
    titre = (titre_rapport(numero, p["rapport"]["titre"], p["rapport"]["numero"]) if numero is not None
             else f"{A_PRECISER} : titre du rapport (le numéro de l'édition {ancienne} est lui-même à préciser)")
    numero_ou_non: Any = numero if numero is not None else f"{A_PRECISER} : numéro du rapport"
    a_preciser = {
        "mois_depot": f"{A_PRECISER} : mois de dépôt à l'Assemblée nationale (AAAA-MM)",
        "nom": f"{A_PRECISER} : nom du signataire du message",
        "fonctions": f"{A_PRECISER} : fonctions du signataire",
        "citation": f"{A_PRECISER} : citation suggérée (année, titre du rapport, mois de dépôt)",
        "imprime": f"{A_PRECISER} : ISBN de la version imprimée",
        "pdf": f"{A_PRECISER} : ISBN de la version PDF",
        "annee": f"{A_PRECISER} : année du dépôt légal",
        "code_publication": f"{A_PRECISER} : code de publication",
        "copyright": f"{A_PRECISER} : mention de droit d'auteur et son année",
    }
    e, s, plan = p["editeur"], p["signataire"], p["plan"]
    date_precedente = precedente.date_reference.isoformat()
    texte = "\n".join([
        f"# Paramètres de l'édition {annee} : {titre[0].lower() + titre[1:] if not titre.startswith(A_PRECISER) else 'rapport'}"
        f" (état au {francais.date_longue(date_reference)}).",
        f"# Écrit par « python -m bilan nouvelle-edition {annee} --date {date_reference.isoformat()} » à partir de",
        f"# params/{ancienne}.yml : plan, éditeur, bibliothèque et droits sont recopiés ; les faits encore inconnus",
        "# portent une valeur « À PRÉCISER : … ». Les remplacer (sources : page de couverture et page de",
        "# notices du rapport), puis passer « etat » à final ; « python -m bilan valider » liste ceux qui restent.",
        "",
        _ligne("etat", "brouillon", commentaire="brouillon : valeurs « À PRÉCISER » permises et listées ; final : aucune"),
        "",
        "rapport:",
        _ligne("numero", numero_ou_non, 2),
        _ligne("titre", titre, 2),
        "",
        _ligne("date_reference", date_reference.isoformat(), commentaire="état des mesures et des livrables « au » cette date"),
        _ligne("mois_depot", a_preciser["mois_depot"]),
        "",
        "edition_precedente:",
        _ligne("edition", int(ancienne), 2, commentaire=" ".join(str(p["rapport"]["titre"]).split()).lower()),
        _ligne("date_reference", date_precedente, 2, commentaire="comparaison calculée mesure par mesure à cette date"),
        "",
        "plan:",
        _ligne("titre", plan["titre"], 2),
        _ligne("sous_titre", plan["sous_titre"], 2),
        _ligne("sigle", plan["sigle"], 2),
        "",
        "editeur:",
        _ligne("ministere", e["ministere"], 2),
        _ligne("producteur", e["producteur"], 2),
        _liste("adresse", e["adresse"], 2),
        _ligne("courriel", e["courriel"], 2),
        _ligne("telephone", e["telephone"], 2),
        _ligne("sans_frais", e["sans_frais"], 2),
        _ligne("telecopieur", e["telecopieur"], 2),
        "",
        "signataire:",
        _ligne("mention", s["mention"], 2),
        "  " + _modele(s["nom"], ancienne),
        _ligne("nom", a_preciser["nom"], 2),
        "  " + _modele(s["fonctions"], ancienne),
        _liste("fonctions", [a_preciser["fonctions"]], 2),
        "",
        *textwrap.wrap(_modele(p["citation"], ancienne), width=96, subsequent_indent="#   ", break_long_words=False),
        _ligne("citation", a_preciser["citation"]),
        "",
        "isbn:",
        _ligne("imprime", a_preciser["imprime"], 2),
        _ligne("pdf", a_preciser["pdf"], 2),
        "",
        "depot_legal:",
        _ligne("annee", a_preciser["annee"], 2),
        _ligne("bibliotheque", p["depot_legal"]["bibliotheque"], 2),
        "",
        _modele(p["code_publication"], ancienne),
        _ligne("code_publication", a_preciser["code_publication"]),
        _ligne("droits", p["droits"]),
        _modele(p["copyright"], ancienne),
        _ligne("copyright", a_preciser["copyright"]),
        "",
    ])
    attendu = {
        "etat": "brouillon",
        "rapport": {"numero": numero_ou_non, "titre": titre},
        "date_reference": date_reference.isoformat(),
        "mois_depot": a_preciser["mois_depot"],
        "edition_precedente": {"edition": int(ancienne), "date_reference": date_precedente},
        "plan": plan,
        "editeur": e,
        "signataire": {"mention": s["mention"], "nom": a_preciser["nom"], "fonctions": [a_preciser["fonctions"]]},
        "citation": a_preciser["citation"],
        "isbn": {"imprime": a_preciser["imprime"], "pdf": a_preciser["pdf"]},
        "depot_legal": {"annee": a_preciser["annee"], "bibliotheque": p["depot_legal"]["bibliotheque"]},
        "code_publication": a_preciser["code_publication"],
        "droits": p["droits"],
        "copyright": a_preciser["copyright"],
    }
    return texte, attendu


def nouvelle_edition(annee: int, date_reference: dt.date, dossier: Path = PARAMETRES) -> Parametres:
    """Écrit ``<dossier>/<annee>.yml`` (brouillon) d'après l'édition la plus récente ; ne remplace jamais un fichier.

    Le texte est relu et validé avant d'être écrit : le fichier produit est un brouillon conforme
    dont les valeurs sont exactement celles voulues (aucune perdue par la mise en forme YAML).
    """
    dossier = Path(dossier)
    cible = dossier / f"{annee}.yml"
    if cible.exists():
        raise EditionImpossible(f"{cible} existe déjà : il n'est jamais remplacé. Le modifier à la main, ou le supprimer"
                                " d'abord pour le réécrire.")
    presentes = editions(dossier)
    if not presentes:
        raise EditionImpossible(f"aucune édition dans {dossier} (fichier AAAA.yml) : rien à reprendre.")
    derniere = presentes[-1]
    if annee <= derniere:
        raise EditionImpossible(f"l'édition {annee} doit suivre la plus récente, {derniere} ({dossier / f'{derniere}.yml'}).")
    try:
        precedente = lire_parametres(dossier / f"{derniere}.yml")
    except ParametresInvalides as err:
        raise EditionImpossible(f"l'édition précédente n'est pas conforme, rien n'est écrit — {err}") from err
    if date_reference <= precedente.date_reference:
        raise EditionImpossible(f"la date de référence {date_reference.isoformat()} doit suivre celle de l'édition "
                                f"{derniere} ({precedente.date_reference.isoformat()}).")
    texte, attendu = contenu(precedente, annee, date_reference)
    with tempfile.TemporaryDirectory() as temporaire:
        essai = Path(temporaire) / cible.name
        essai.write_text(texte, encoding="utf-8")
        relu = lire_parametres(essai)  # lève ParametresInvalides si le texte écrit n'est pas un brouillon conforme
        if relu.brut != attendu:
            raise AssertionError(f"mise en forme YAML infidèle pour {cible.name} : {relu.brut!r} au lieu de {attendu!r}")
    with cible.open("x", encoding="utf-8") as f:  # « x » : jamais de remplacement, même en cas de course
        f.write(texte)
    return lire_parametres(cible)
