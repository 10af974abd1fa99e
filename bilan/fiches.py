"""Fiche d'une mesure, construite des données par une seule fonction (aucun code propre à une mesure).

La fiche reprend la présentation du rapport : « MESURE N° 1 – EN COURS », les recommandations
auxquelles la mesure répond, son titre, ses porteurs, collaborateurs et budget, ses livrables
avec leur statut à la date de référence, et la note en astérisque s'il y en a une.

Les capitales du rapport imprimé (« MESURE N° 1 », « EN COURS », « PORTEUR ») sont une mise
en forme : le texte est écrit en casse normale et marqué de la classe ``.majuscules`` (segment)
ou placé dans un bloc ``.entetes-majuscules`` (ligne d'en-tête d'un tableau). Le PDF les
imprime en capitales (styles/typst-classes.lua) ; le HTML garde la casse normale, plus
lisible à l'écran et que les lecteurs d'écran n'épellent pas. Tout texte des données passe
par ``bilan.markdown`` (échappement et typographie).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from bilan import francais
from bilan.donnees import Plan
from bilan.markdown import lien_chapitre, texte, texte_riche
from bilan.synthese import CATEGORIE_INCONNUE, STATUT_INCONNU

SANS_OBJET = "S. O."


def ancre_mesure(mesure: str) -> str:
    return f"mesure-{mesure.lower()}"


def ancre_recommandation(numero: int) -> str:
    return f"recommandation-{numero}"


def nom_mesure(mesure: str) -> str:
    """Désignation d'une fiche, en casse normale : « Mesure n° 1 », « Mesure A1 », « Mesure additionnelle »."""
    if mesure == "additionnelle":
        return "Mesure additionnelle"
    if mesure.isdigit():
        return f"Mesure n° {mesure}"
    return f"Mesure {mesure}"


def reference_mesure(mesure: str) -> str:
    """Désignation en texte courant : « mesure n° 1 », « mesure A1 », « mesure additionnelle »."""
    if mesure == "additionnelle":
        return "mesure additionnelle"
    return f"mesure n° {mesure}" if mesure.isdigit() else f"mesure {mesure}"


def statut_en_capitales(statut: str) -> str:
    """« Réalisée (en partie) » → « RÉALISÉE (en partie) », comme le rapport l'imprime."""
    if statut == STATUT_INCONNU:
        return "STATUT INCONNU"
    tete, sep, reste = statut.partition(" (")
    return tete.upper() + (sep + reste if sep else "")


def statut_de_titre(statut: str) -> str:
    """Le statut d'un titre de fiche en Markdown : la tête en capitales par la mise en forme,
    la précision entre parenthèses telle quelle (« [Réalisée]{.majuscules} (en partie) »)."""
    if statut == STATUT_INCONNU:
        return "[Statut inconnu]{.majuscules}"
    tete, sep, reste = statut.partition(" (")
    return f"[{texte(tete)}]{{.majuscules}}" + (f" ({texte(reste)}" if sep else "")


def etiquette_statut(contenu: str, categorie: str) -> str:
    """Étiquette colorée (classe CSS/Typst selon la catégorie de comptage) ; ``contenu`` est du Markdown."""
    return f"[{contenu}]{{.statut .statut-{categorie}}}"


def _organisation(libelle: str, noms: dict[str, str]) -> str:
    """Le libellé imprimé de l'organisation (sigle ou nom) ; son nom complet est dans la liste des
    acronymes. (Pas d'infobulle ``title`` : invisible au clavier et au toucher, et Quarto
    interprète les shortcodes d'une valeur d'attribut, même échappés.)"""
    return texte(libelle)


def _entete(mot: str, libelles: list[str], plusieurs: dict[str, bool]) -> str:
    """« Porteur » ou « Porteurs » : pluriel s'il y a plusieurs entrées ou une entrée qui en
    désigne plusieurs (« MO partenaires du plan d'action »), comme le rapport l'accorde."""
    pluriel = len(libelles) > 1 or any(plusieurs.get(l, False) for l in libelles)
    return mot + ("s" if pluriel else "")


def phrase_recommandations(plan: Plan, mesure: pd.Series, chapitre_annexe: str = "") -> str:
    """« En réponse à la recommandation n° 4 », « … aux recommandations n^os^ 5, 13 et 55 »,
    « Initiative gouvernementale », ou l'aveu que les liens sont inconnus.

    Chaque numéro renvoie à la recommandation dans l'annexe (``chapitre_annexe``, nom du
    chapitre) ; sans chapitre, les numéros ne sont pas des liens.
    """
    etat = mesure["liens_recommandations"]
    if etat == "initiative gouvernementale":
        return "Initiative gouvernementale"
    if etat == "inconnus":
        return "Recommandations visées : inconnues (le texte source du rapport ne les précise pas)"
    numeros = plan.recommandations_de(mesure["mesure"])
    cibles = [f"[{n}]({lien_chapitre(chapitre_annexe, ancre_recommandation(n))})" if chapitre_annexe else str(n)
              for n in numeros]
    if len(numeros) == 1:
        return f"En réponse à la recommandation n°{francais.NBSP}{cibles[0]}"
    return f"En réponse aux recommandations n^os^{francais.NBSP}{francais.liste(cibles)}"


def texte_budget(plan: Plan, mesure: pd.Series) -> str:
    """« 1 953 200 $ », « Autofinancé », ou la part d'un budget commun avec ses mesures."""
    if mesure["budget_type"] == "autofinance":
        return "Autofinancé"
    if mesure["budget_type"] == "montant":
        return francais.montant(int(mesure["budget"]))
    montant, partageurs = plan.budget_commun(mesure["budget_commun"])
    return (
        f"{francais.montant(montant)} partagés pour les mesures "
        f"n^os^{francais.NBSP}{francais.liste(partageurs)}"
    )


@dataclass(frozen=True)
class IndexFiches:
    """Statuts à la date regroupés par mesure, et noms des organisations, calculés une fois :
    chaque fiche y lit ses lignes au lieu de filtrer les tables entières (coût quadratique
    en nombre de mesures quand on produit toutes les fiches)."""

    etats: dict[str, tuple[str, str]]  # mesure -> (statut, catégorie)
    livrables: dict[str, list[tuple[str, str, str]]]  # mesure -> [(livrable, statut, catégorie)] par ordre
    noms: dict[str, str]
    plusieurs: dict[str, bool]


def indexer(plan: Plan, statuts_mesures: pd.DataFrame, statuts_livrables: pd.DataFrame) -> IndexFiches:
    """L'index des fiches pour des tables de statuts calculées à une date."""
    etats = dict(zip(statuts_mesures["mesure"], zip(statuts_mesures["statut"], statuts_mesures["categorie"])))
    livrables: dict[str, list[tuple[int, str, str, str]]] = {}
    t = statuts_livrables
    for m, o, l, s, c in zip(t["mesure"], t["ordre"], t["livrable"], t["statut"], t["categorie"]):
        livrables.setdefault(m, []).append((o, l, s, c))
    return IndexFiches(
        etats=etats,
        livrables={m: [ligne[1:] for ligne in sorted(ls, key=lambda x: x[0])] for m, ls in livrables.items()},
        noms=dict(zip(plan.organisations["organisation"], plan.organisations["nom"])),
        plusieurs=dict(zip(plan.organisations["organisation"], plan.organisations["plusieurs"])),
    )


def fiche_markdown(
    plan: Plan,
    identifiant: str,
    statuts_mesures: pd.DataFrame,
    statuts_livrables: pd.DataFrame,
    chapitre_annexe: str = "",
    index: IndexFiches | None = None,
) -> str:
    """La fiche Markdown d'une mesure, statuts pris dans les tables calculées à la date de référence.

    ``index`` : celui de ces tables (``indexer``), pour ne pas le recalculer à chaque fiche.
    """
    if index is None:
        index = indexer(plan, statuts_mesures, statuts_livrables)
    mesure = plan.mesure(identifiant)
    statut_mesure, categorie_mesure = index.etats[identifiant]
    note = mesure["note"]
    statut = statut_de_titre(statut_mesure) + ("\\*" if note else "")
    lignes = [
        f"## [{nom_mesure(identifiant)}]{{.majuscules}} – {etiquette_statut(statut, categorie_mesure)} "
        f"{{#{ancre_mesure(identifiant)} .mesure}}",
        "",
        "::: {.recommandations}",
        phrase_recommandations(plan, mesure, chapitre_annexe),
        ":::",
        "",
        f"**{texte_riche(mesure['titre'])}**",
        "",
    ]
    noms, plusieurs = index.noms, index.plusieurs
    libelles_porteurs = plan.organisations_de(identifiant, "porteur")
    libelles_collab = plan.organisations_de(identifiant, "collaborateur")
    porteurs = [_organisation(o, noms) for o in libelles_porteurs]
    collab = [_organisation(o, noms) for o in libelles_collab]
    livrables = index.livrables.get(identifiant, [])
    lignes += [
        "::: {.entetes-majuscules}",
        f"| {_entete('Porteur', libelles_porteurs, plusieurs)} | {_entete('Collaborateur', libelles_collab, plusieurs)} | Budget attribué |",
        "|:---|:---|---:|",
        f"| {', '.join(porteurs)} | {', '.join(collab) or SANS_OBJET} | {texte_budget(plan, mesure)} |",
        "",
        f"| {'Livrables' if len(livrables) > 1 else 'Livrable'} | Statut |",
        "|:---|:---|",
    ]
    if not livrables:
        lignes.append(f"| {SANS_OBJET} | {SANS_OBJET} |")
    for libelle, statut_livrable, categorie in livrables:
        statut_liv = "Statut inconnu" if categorie == CATEGORIE_INCONNUE else texte(statut_livrable)
        lignes.append(f"| {texte_riche(libelle)} | {etiquette_statut(statut_liv, categorie)} |")
    lignes += [":::", ""]
    if note:
        lignes += ["::: {.note-mesure}", f"\\* {texte_riche(note)}", ":::", ""]
    return "\n".join(lignes)
