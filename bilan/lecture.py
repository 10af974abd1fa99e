"""Lecture des fichiers texte que les analystes modifient, souvent avec un tableur.

Excel, en « CSV UTF-8 », ajoute une marque d'ordre des octets (BOM) et termine les lignes par
CRLF : ce sont des fichiers UTF-8 valides, on les accepte tels quels. Un autre encodage (Excel
« CSV » ordinaire = page de code Windows ; « Texte Unicode » = UTF-16) ferait lire de fausses
lettres accentuées, puis des dizaines d'erreurs qui ne disent pas la cause : on le refuse ici,
en un seul message qui nomme l'encodage détecté et la manière de réenregistrer en UTF-8.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import yaml

BOM_UTF8 = codecs.BOM_UTF8

# Marques d'ordre des octets d'un autre Unicode que UTF-8 (UTF-32 d'abord : sa marque
# petit-boutiste commence comme celle d'UTF-16).
_AUTRES_BOM: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf_32_le"),
    (codecs.BOM_UTF32_BE, "utf_32_be"),
    (codecs.BOM_UTF16_LE, "utf_16_le"),
    (codecs.BOM_UTF16_BE, "utf_16_be"),
)

REENREGISTRER_TABLEUR = (
    "Réenregistrer le fichier en UTF-8 : dans Excel, Fichier > Enregistrer sous, type "
    "« CSV UTF-8 (délimité par des virgules) » ; dans LibreOffice Calc, Enregistrer sous, cocher "
    "« Éditer les paramètres du filtre », puis Jeu de caractères « Unicode (UTF-8) »."
)
REENREGISTRER_EDITEUR = (
    "Réenregistrer le fichier en UTF-8 depuis l'éditeur de texte (Bloc-notes : Enregistrer sous, "
    "Encodage « UTF-8 » ; VS Code : « Save with Encoding », UTF-8)."
)


def _famille(encodage: str) -> str:
    """Nom courant d'un encodage, pour l'analyste qui ne connaît pas « cp1252 »."""
    e = encodage.lower()
    if e.startswith(("utf_16", "utf_32")):
        return "Unicode UTF-16/UTF-32, celui du type « Texte Unicode » d'Excel"
    if e.startswith(("cp125", "iso8859", "latin", "cp8")):
        return "page de code Windows ou Latin, celle des types « CSV » ordinaires d'Excel"
    if e.startswith("mac"):
        return "encodage Macintosh ancien"
    return "encodage autre que UTF-8"


def detecter_encodage(octets: bytes) -> str:
    """Encodage le plus probable selon charset-normalizer, avec ses proches s'il hésite.

    Une estimation : cp1250 et cp1252 écrivent « é » de la même façon, par exemple. Elle
    sert à dire à l'analyste ce que son tableur a fait, pas à lire le fichier quand même.
    """
    from charset_normalizer import from_bytes  # import tardif : pas de travail à l'import

    for bom, nom in _AUTRES_BOM:
        if octets.startswith(bom):
            return nom
    resultats = from_bytes(octets)
    meilleur = resultats.best()
    if meilleur is None:
        return "inconnu (fichier binaire ?)"
    proches = [r.encoding for r in resultats if r.encoding != meilleur.encoding][:2]
    nom = meilleur.encoding + (f" (ou {', '.join(proches)})" if proches else "")
    return f"{nom} – {_famille(meilleur.encoding)}"


class EncodageRefuse(ValueError):
    """Le fichier n'est pas en UTF-8 ; ``raison`` est le message complet, sans le nom du fichier."""

    def __init__(self, chemin: Path, encodage: str, ligne: int | None):
        self.chemin = chemin
        self.encodage = encodage
        self.ligne = ligne
        ou = f" (premier caractère illisible en UTF-8 à la ligne {ligne})" if ligne else ""
        conseil = REENREGISTRER_TABLEUR if chemin.suffix.lower() == ".csv" else REENREGISTRER_EDITEUR
        self.raison = f"fichier qui n'est pas en UTF-8{ou} ; encodage détecté : {encodage}. {conseil}"
        super().__init__(f"{chemin.name} : {self.raison}")


def lire_texte(chemin: Path) -> str:
    """Texte UTF-8 d'un fichier, BOM retiré et fins de ligne ramenées à « \\n ».

    Lève ``EncodageRefuse`` pour tout autre encodage ; ``OSError`` si le fichier ne s'ouvre pas.
    """
    octets = Path(chemin).read_bytes()
    for bom, nom in _AUTRES_BOM:
        if octets.startswith(bom):
            raise EncodageRefuse(Path(chemin), detecter_encodage(octets), None)
    try:
        texte = octets.decode("utf-8")
    except UnicodeDecodeError as err:
        raise EncodageRefuse(Path(chemin), detecter_encodage(octets), octets[: err.start].count(b"\n") + 1) from None
    if "\x00" in texte:
        # UTF-16 sans marque : des octets nuls entre les lettres, valides en UTF-8 mais absurdes.
        ligne = texte[: texte.index("\x00")].count("\n") + 1
        raise EncodageRefuse(Path(chemin), detecter_encodage(octets), ligne)
    return texte.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


class ChargeurTexte(yaml.SafeLoader):
    """Chargeur YAML qui garde les dates en texte : PyYAML lèverait une ValueError sur
    « 2026-02-30 » au lieu de laisser la validation dire quelle clé porte la date impossible."""


ChargeurTexte.yaml_implicit_resolvers = {
    debut: [(tag, motif) for tag, motif in resolveurs if tag != "tag:yaml.org,2002:timestamp"]
    for debut, resolveurs in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def charger_yaml(texte: str) -> Any:
    """Document YAML, dates laissées en texte (voir ``ChargeurTexte``)."""
    return yaml.load(texte, Loader=ChargeurTexte)  # noqa: S506 (chargeur sûr)


def message_yaml(err: yaml.YAMLError) -> str:
    """Erreur de syntaxe YAML située (ligne, colonne) ; le détail de PyYAML reste en anglais."""
    marque = getattr(err, "problem_mark", None)
    ou = f" à la ligne {marque.line + 1}, colonne {marque.column + 1}" if marque is not None else ""
    detail = getattr(err, "problem", None) or str(err)
    return (f"YAML illisible{ou} (indentation, deux-points ou guillemets à vérifier) : {detail}")
