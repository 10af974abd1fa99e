"""Ce que les notebooks appellent : une édition chargée, et une méthode par bloc du rapport.

Chaque méthode renvoie du Markdown (``IPython.display.Markdown``) que papermill garde dans le
notebook exécuté et que Quarto met en page. Les figures sont écrites en SVG (vectoriel pour
le PDF) dans ``figures/`` à côté du notebook, avec légende, texte de remplacement et le
tableau de leurs nombres.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
from IPython.display import Markdown

from bilan import fiches, francais
from bilan.config import DONNEES, NOTEBOOKS
from bilan.markdown import attribut, lien_chapitre, tableau, tableau_groupe, texte, texte_riche
from bilan.donnees import Plan, charger_plan
from bilan.parametres import Parametres, est_a_preciser, lire_parametres
from bilan.synthese import (
    Changements,
    Comparaison,
    changements,
    comparaison_precedente,
    couverture_recommandations,
    mesures_par_recommandation,
    repartition,
    repartition_par_axe,
    statuts_livrables,
    statuts_mesures,
)
from bilan.variables import variables

# Ordre des colonnes du tableau publié « Progression de la mise en œuvre des mesures ».
ORDRE_PROGRESSION = ("en_cours", "realise", "a_faire")


def chapitre(motif: str) -> str:
    """Nom du chapitre d'un notebook (ex. « axe1 » → « 04_axe1_recherche »), cible des liens."""
    trouves = sorted(NOTEBOOKS.glob(f"[0-9][0-9]_{motif}_*.ipynb")) or sorted(NOTEBOOKS.glob(f"[0-9][0-9]_{motif}.ipynb"))
    return trouves[0].stem if trouves else ""


# --- Plan gardé en mémoire, un par processus ----------------------------------------------------
#
# Chaque notebook commence par ``Contexte.charger`` ; un noyau en exécute plusieurs à la suite
# (bilan.execution), et la construction elle-même charge le plan pour valider, exporter et
# rendre. Valider les données coûte bien plus que tout le reste d'un notebook (0,15 s pour le
# plan réel, près de 1 s pour 1 000 mesures) : le plan validé est gardé pour le processus et
# resservi tant que les fichiers du dossier n'ont pas changé.
#
# La clé est le CONTENU des fichiers (SHA-256 de chacun, avec son nom et le dossier), pas leur
# date de modification : une date a la granularité du système de fichiers et une copie peut
# la garder, alors que lire et hacher data/ coûte quelques millisecondes (5 000 mesures :
# 11 Mo, une trentaine). Un fichier ajouté, retiré ou renommé change la clé (la validation
# signale les fichiers inconnus). Seul le dernier plan est gardé.
#
# Chaque appel reçoit ses propres tables : des copies superficielles, qui partagent les données
# jusqu'à la première écriture (copie à l'écriture de pandas 3). Un notebook qui modifierait une
# table de ``ctx.plan`` ne change donc rien pour le notebook suivant du même noyau : les
# notebooks restent indépendants de l'ordre d'exécution et du noyau qui les exécute.

_plan_garde: tuple[tuple, Plan] | None = None
_verrou_plan = threading.Lock()


def empreinte_donnees(donnees: str | Path) -> tuple:
    """Dossier et (nom, SHA-256) de chaque fichier : ce qui change quand les données changent."""
    dossier = Path(donnees).resolve()
    fichiers = sorted(p for p in dossier.iterdir() if p.is_file()) if dossier.is_dir() else []
    return (str(dossier), tuple((p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in fichiers))


def _copie_independante(plan: Plan) -> Plan:
    """Même plan, tables copiées superficiellement (données partagées jusqu'à une écriture)."""
    return dataclasses.replace(plan, **{
        f.name: getattr(plan, f.name).copy(deep=False)
        for f in dataclasses.fields(plan) if isinstance(getattr(plan, f.name), pd.DataFrame)})


def plan_valide(donnees: str | Path = DONNEES) -> Plan:
    """Le plan validé de ``donnees``, validé une fois par processus tant que ses fichiers ne
    changent pas (voir plus haut) ; lève ``DonneesInvalides`` comme ``charger_plan``."""
    global _plan_garde
    cle = empreinte_donnees(donnees)
    with _verrou_plan:
        if _plan_garde is None or _plan_garde[0] != cle:
            _plan_garde = None  # l'ancien plan libéré avant d'en valider un autre (un grand plan pèse)
            _plan_garde = (cle, charger_plan(Path(donnees)))
        return _copie_independante(_plan_garde[1])


@dataclass
class Contexte:
    """Une édition : paramètres, données validées et calculs à la date de référence."""

    params: Parametres
    plan: Plan

    @classmethod
    def charger(cls, parametres: str | Path, donnees: str | Path = DONNEES) -> "Contexte":
        """Lit et valide les paramètres et les données ; lève une erreur claire sinon.

        Le plan validé est gardé pour le processus (``plan_valide``) : les notebooks suivants
        d'un même noyau ne revalident pas des données qui n'ont pas changé."""
        return cls(lire_parametres(parametres), plan_valide(donnees))

    # --- Calculs -------------------------------------------------------------------------

    @property
    def date(self) -> dt.date:
        return self.params.date_reference

    @cached_property
    def statuts_mesures(self) -> pd.DataFrame:
        return statuts_mesures(self.plan, self.date)

    @cached_property
    def statuts_livrables(self) -> pd.DataFrame:
        return statuts_livrables(self.plan, self.date)

    @cached_property
    def repartition_mesures(self) -> pd.DataFrame:
        return repartition(self.plan, self.statuts_mesures, "mesure")

    @cached_property
    def repartition_livrables(self) -> pd.DataFrame:
        return repartition(self.plan, self.statuts_livrables, "livrable")

    @cached_property
    def precedente(self) -> Comparaison | None:
        return comparaison_precedente(self.plan, self.params.edition_precedente, self.params.date_precedente)

    @cached_property
    def variables(self) -> dict:
        return variables(self.params, self.plan, self.repartition_mesures, self.repartition_livrables, self.precedente)

    # --- Pages liminaires ------------------------------------------------------------------

    @staticmethod
    def _param(valeur: object, riche: bool = False) -> str:
        """Une valeur des paramètres en Markdown ; « À PRÉCISER : … » (brouillon) mis en évidence."""
        if est_a_preciser(valeur):
            return f"[{texte(valeur)}]{{.a-preciser}}"
        return texte_riche(valeur) if riche else texte(valeur)

    def couverture(self) -> Markdown:
        """Couverture du PDF (page 1). En HTML, le bloc de titre de Quarto ou du moteur intégré
        porte les mêmes informations : styles/rapport.css n'y affiche pas la couverture.

        (Pas de bloc conditionnel ``.content-hidden`` ici : Quarto le remplace par un nœud à lui
        avant les filtres de l'utilisateur, et styles/typst-classes.lua ne verrait plus le bloc.)"""
        p = self.params
        depot = texte("Déposé à l'Assemblée nationale en") + " " + self.variables["depot"]
        return Markdown("\n".join([
            "::: {.couverture}",
            f"[{texte(p['plan']['titre'])}]{{.titre-plan .majuscules}}",
            "",
            f"[{texte(p['plan']['sous_titre'])}]{{.sous-titre-plan .majuscules}}",
            "",
            f"[{texte(p['rapport']['titre'])}]{{.titre-rapport .majuscules}}",
            "",
            f"[{depot}]{{.depot}}",
            ":::",
        ]))

    def colophon(self) -> Markdown:
        """Page de notices (page 2 du PDF ; bas de la page d'accueil en HTML).

        Seules les lignes de l'adresse (« 10^e^ étage ») et la citation (titre en *italique*) sont
        en Markdown ; le reste des paramètres est du texte brut, imprimé tel que saisi."""
        p = self.params
        e = p["editeur"]
        v = self._param
        adresse = "\n".join(f"| {v(ligne, riche=True)}" for ligne in e["adresse"])
        courriel = str(e["courriel"])
        lien_courriel = f"<{courriel}>" if re.fullmatch(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", courriel) else v(courriel)
        return Markdown("\n".join([
            "::: {.colophon}",
            texte(e["producteur"]),
            "",
            texte("Pour plus de renseignements :"),
            "",
            adresse,
            "",
            lien_courriel,
            "",
            f"| {texte('Téléphone :')} {v(e['telephone'])}",
            f"| {texte('Sans frais :')} {v(e['sans_frais'])}",
            f"| {texte('Télécopieur :')} {v(e['telecopieur'])}",
            "",
            texte("Citation suggérée :"),
            "",
            v(p["citation"], riche=True),
            "",
            f"ISBN {v(p['isbn']['imprime'])} (version imprimée)",
            "",
            f"ISBN {v(p['isbn']['pdf'])} (PDF)",
            "",
            f"Dépôt légal – {v(p['depot_legal']['annee'])}",
            "",
            v(p["depot_legal"]["bibliotheque"]),
            "",
            v(p["code_publication"]),
            "",
            texte(p["droits"]),
            "",
            v(p["copyright"]),
            ":::",
        ]))

    def signature(self) -> Markdown:
        s = self.params["signataire"]
        v = self._param
        fonctions = s["fonctions"] if isinstance(s["fonctions"], list) else [s["fonctions"]]
        lignes = [v(s["mention"]), "", f"**{v(s['nom'])}**", ""] + [f"| {v(f)}" for f in fonctions]
        return Markdown("::: {.signature}\n" + "\n".join(lignes) + "\n:::")

    # --- Bilan de mise en œuvre --------------------------------------------------------------

    def tableau_progression(self) -> Markdown:
        """Tableau publié : nombre et pourcentage par statut, édition courante et précédente.

        Deux lignes d'en-tête comme dans le rapport publié (« En cours » au-dessus de « Nombre »
        et « Pourcentage ») ; la première, en capitales à l'impression.
        """
        editions = [(self.params.edition, self.repartition_mesures)]
        if self.precedente is not None:
            editions.append((self.precedente.edition, self.precedente.repartition))
        libelles = self.repartition_mesures.set_index("categorie")["libelle"]
        # Des mesures sans statut à la date ont leur colonne : les totaux restent justes.
        ordre = ORDRE_PROGRESSION + (("inconnu",) if "inconnu" in libelles.index else ())
        groupes = [(texte(libelles[cat]), ["Nombre", "Pourcentage"]) for cat in ordre]
        lignes = []
        for edition, rep in editions:
            r = rep.set_index("categorie")
            ligne = [texte(edition)]
            for cat in ordre:
                if cat in r.index:
                    ligne += [francais.nombre(int(r.loc[cat, "nombre"])), r.loc[cat, "pourcentage_texte"]]
                else:
                    ligne += ["0", francais.pourcentage(0, int(rep["total"].iloc[0]))]
            lignes.append(ligne)
        resultat = "::: {.entetes-majuscules}\n" + tableau_groupe(
            "Édition", groupes, lignes, ["g"] + ["d"] * (2 * len(ordre)),
            "Progression de la mise en œuvre des mesures du plan d'action", "tbl-progression") + ":::\n"
        if self.precedente is not None and not self.precedente.calculee:
            resultat += (f"\n::: {{.source-tableau}}\nSource de la ligne {texte(self.precedente.edition)} : "
                         f"{texte(self.precedente.source)}. {texte(self.precedente.note)}\n:::\n")
        return Markdown(resultat)

    def _figure(self, fig, nom: str, legende: str, alt: str) -> str:
        dossier = Path.cwd() / "figures"
        dossier.mkdir(exist_ok=True)
        from bilan.figures import enregistrer_svg
        enregistrer_svg(fig, dossier / f"{nom}.svg", bbox_inches="tight")
        return f"![{legende}](figures/{nom}.svg){{#fig-{nom} fig-alt={attribut(alt)}}}\n"

    def _figure_repartition(self, rep: pd.DataFrame, nom: str, legende: str, quoi: str) -> Markdown:
        from bilan.figures import figure_repartition

        rep = rep[(rep["nombre"] > 0) | (rep["categorie"] != "inconnu")]
        fig = figure_repartition(rep[["categorie", "libelle", "nombre", "pourcentage_texte"]].rename(columns={"pourcentage_texte": "pourcentage"}), "")  # la légende tient lieu de titre
        total = int(rep["total"].iloc[0])
        details = " ; ".join(f"{r.libelle} : {r.nombre} ({r.pourcentage_texte})" for r in rep.itertuples())
        alt = francais.typographie(f"Diagramme à barres du statut des {total} {quoi} au {francais.date_longue(self.date)}. {details}.",
                                   markdown=False)
        lignes = [[texte(r.libelle), francais.nombre(int(r.nombre)), r.pourcentage_texte] for r in rep.itertuples()]
        lignes.append(["Total", francais.nombre(total), francais.pourcentage(total, total)])
        t = tableau(["Statut", "Nombre", "Pourcentage"], lignes, ["g", "d", "d"],
                    texte(f"{legende} : nombres de la figure"), f"tbl-{nom}")
        return Markdown(self._figure(fig, nom, legende, alt) + "\n" + t)

    def figure_mesures(self) -> Markdown:
        return self._figure_repartition(self.repartition_mesures, "statut-mesures", "Statut de mise en œuvre des mesures", "mesures")

    def figure_livrables(self) -> Markdown:
        return self._figure_repartition(self.repartition_livrables, "statut-livrables", "Statut de production des livrables", "livrables")

    @cached_property
    def par_axe(self) -> pd.DataFrame:
        return repartition_par_axe(self.plan, self.date)

    def tableau_axes(self) -> Markdown:
        """Statut des mesures par axe (ajout au rapport publié)."""
        t = self.par_axe
        cats = list(dict.fromkeys(t["categorie"]))
        libelles = dict(zip(t["categorie"], t["libelle"]))
        lignes = []
        for axe, groupe in t.groupby("axe", sort=True):
            g = groupe.set_index("categorie")
            total = int(g["total"].iloc[0])
            lignes.append([f"{axe}. {texte(g['libelle_axe'].iloc[0])}"]
                          + [f"{int(g.loc[c, 'nombre'])} ({g.loc[c, 'pourcentage_texte']})" for c in cats]
                          + [str(total)])
        return Markdown(tableau(["Axe"] + [texte(libelles[c]) for c in cats] + ["Total"], lignes,
                                         ["g"] + ["d"] * (len(cats) + 1),
                                         f"Statut des mesures par axe au {francais.date_longue(self.date, markdown=True)}", "tbl-axes"))

    def figure_axes(self) -> Markdown:
        from bilan.figures import figure_par_axe

        t = self.par_axe
        legende = "Statut des mesures par axe"
        fig = figure_par_axe(t[["axe", "libelle_axe", "categorie", "libelle", "nombre"]], "")
        details = " ; ".join(
            f"axe {axe} : " + ", ".join(f"{r.nombre} {r.libelle.lower()}" for r in g.itertuples() if r.nombre)
            for axe, g in t.groupby("axe")
        )
        alt = francais.typographie(f"Barres empilées du statut des mesures pour chacun des six axes. {details}.", markdown=False)
        return Markdown(self._figure(fig, "statut-axes", legende, alt))

    @cached_property
    def changements(self) -> Changements:
        return changements(self.plan, self.date, self.params.edition_precedente, self.params.date_precedente)

    def tableau_changements(self) -> Markdown:
        """Ce qui a changé depuis l'édition précédente : mesures et livrables dont le statut a
        bougé (avant → après), leurs nombres, et les mesures qui n'ont pas bougé ; ou, quand les
        statuts de l'édition précédente ne sont pas connus mesure par mesure, pourquoi pas."""
        ch = self.changements
        ed = texte(ch.edition_precedente)
        if not ch.calculable:
            phrase = (f"Comparaison mesure par mesure impossible avec l'édition {ch.edition_precedente} : {ch.raison}. "
                      "Le tableau de progression compare les totaux.")
            return Markdown(f"::: {{.changements}}\n{texte(phrase)}\n:::\n")
        avant = francais.date_longue(ch.date_precedente, markdown=True)
        apres = francais.date_longue(self.date, markdown=True)
        parties = [
            "::: {.changements}",
            f"Entre le {avant} (édition {ed}) et le {apres}, "
            f"{francais.nombre(len(ch.mesures))} mesure(s) sur {francais.nombre(ch.nombre_mesures)} et "
            f"{francais.nombre(len(ch.livrables))} livrable(s) sur {francais.nombre(ch.nombre_livrables)} ont changé de statut.",
            "",
        ]
        if len(ch.mesures):
            lignes = [[texte(fiches.reference_mesure(r.mesure)), texte(r.avant), texte(r.apres)] for r in ch.mesures.itertuples()]
            parties.append("::: {.tableau-long}\n" + tableau(
                ["Mesure", f"Statut au {avant}", f"Statut au {apres}"], lignes, ["g", "g", "g"],
                f"Mesures dont le statut a changé depuis l'édition {ed}", "tbl-changements-mesures") + ":::\n")
        if len(ch.livrables):
            lignes = [[texte(fiches.reference_mesure(r.mesure)), texte_riche(r.livrable), texte(r.avant), texte(r.apres)]
                      for r in ch.livrables.itertuples()]
            parties.append("::: {.tableau-long}\n" + tableau(
                ["Mesure", "Livrable", f"Statut au {avant}", f"Statut au {apres}"], lignes, ["g", "g", "g", "g"],
                f"Livrables dont le statut a changé depuis l'édition {ed}", "tbl-changements-livrables") + ":::\n")
        if ch.mesures_inchangees:
            parties.append(f"Mesures dont le statut n'a pas changé ({francais.nombre(len(ch.mesures_inchangees))}) : "
                           f"n^os^ {texte(francais.liste(list(ch.mesures_inchangees)))}.")
        parties.append(":::")
        return Markdown(francais.typographie("\n".join(parties)) + "\n")

    # --- Chapitres des axes -----------------------------------------------------------------

    def entete_axe(self, axe: int) -> Markdown:
        ligne = self.plan.axes.set_index("axe").loc[axe]
        objectif = texte_riche(ligne["objectif"], blocs=True)
        return Markdown(f"::: {{.slogan}}\n{texte(ligne['slogan'])}\n:::\n\n{objectif}\n")

    @cached_property
    def _index_fiches(self) -> fiches.IndexFiches:
        return fiches.indexer(self.plan, self.statuts_mesures, self.statuts_livrables)

    def fiche(self, mesure: str) -> Markdown:
        return Markdown(fiches.fiche_markdown(self.plan, mesure, self.statuts_mesures, self.statuts_livrables,
                                              chapitre("annexe1"), self._index_fiches))

    def fiches(self, axe: int) -> Markdown:
        """Les fiches de toutes les mesures de l'axe, dans l'ordre, en un seul appel : un plan de
        centaines de mesures n'écrit pas une cellule par fiche. Chaque fiche finit par un saut de
        ligne ; la ligne vide qui les sépare laisse chaque titre ``##`` en tête de bloc."""
        if axe not in set(self.plan.axes["axe"]):
            raise KeyError(f"Axe inconnu : {axe} (voir data/axes.yml)")
        mesures = self.plan.mesures.loc[self.plan.mesures["axe"] == axe, "mesure"]
        annexe = chapitre("annexe1")  # une fois pour l'axe, pas une fois par fiche
        return Markdown("\n".join(
            fiches.fiche_markdown(self.plan, m, self.statuts_mesures, self.statuts_livrables, annexe, self._index_fiches)
            for m in mesures))

    # --- Annexes ------------------------------------------------------------------------------

    def annexe_recommandations(self) -> Markdown:
        """Chaque recommandation, son texte intégral et les mesures qui y répondent (liens connus)."""
        couverture = couverture_recommandations(self.plan)
        par_reco = mesures_par_recommandation(self.plan)
        axe_de = dict(zip(self.plan.mesures["mesure"], self.plan.mesures["axe"]))
        chapitres = {axe: chapitre(f"axe{axe}") for axe in set(axe_de.values())}  # pas un glob par lien
        blocs = []
        if couverture.mesures_liens_inconnus:
            inconnues = francais.liste(list(couverture.mesures_liens_inconnus))
            blocs.append(francais.typographie(
                f"::: {{.avertissement}}\nLes liens entre les recommandations et {len(couverture.mesures_liens_inconnus)} "
                f"mesures (n^os^ {texte(inconnues)}) ne figurent pas dans le texte source du rapport : "
                "la liste des mesures qui répondent à chaque recommandation peut donc être incomplète.\n:::\n"))
        for numero, texte_reco in zip(self.plan.recommandations["numero"], self.plan.recommandations["texte"]):
            n = int(numero)
            mesures = par_reco.get(n, [])
            liens = [f"[{texte(fiches.reference_mesure(m))}]({lien_chapitre(chapitres[axe_de[m]], fiches.ancre_mesure(m))})"
                     for m in mesures]
            reponse = (", ".join(liens) if liens
                       else texte("Aucune mesure dont le lien avec cette recommandation est connu."))
            blocs.append(
                f"## Recommandation n° {n} {{#{fiches.ancre_recommandation(n)} .unlisted .unnumbered}}\n\n"
                f"{texte_riche(texte_reco, blocs=True)}\n\n"
                f"::: {{.mesures-liees}}\n{texte('Mesure(s) qui y répondent :') + ' ' if liens else ''}{reponse}\n:::\n"
            )
        return Markdown("\n".join(blocs))

    def annexe_comite(self) -> Markdown:
        lignes = []
        dernier = len(self.plan.comite)
        for _, m in self.plan.comite.sort_values("ordre").iterrows():
            nom = texte(m["organisation_nom"]) + (" (ministère porteur)" if m["porteur"] else "")
            fin = "." if m["ordre"] == dernier else ";"
            lignes.append(f"- **{nom}{fin}**" if m["porteur"] else f"- {nom}{fin}")
        return Markdown("\n".join(lignes) + "\n")

    def liste_acronymes(self) -> Markdown:
        orgs = self.plan.organisations
        listes = orgs[orgs["source"] == "liste des acronymes"]
        lignes = [[texte(r.nom), texte(r.organisation)] for r in listes.itertuples()]
        resultat = "::: {.tableau-long}\n" + tableau(["Nom", "Acronyme"], lignes, ["g", "g"]) + ":::\n"
        autres = orgs[(orgs["type"] == "sigle") & ~orgs["source"].str.startswith("liste des acronymes")]
        if len(autres):
            lignes2 = [[texte(r.organisation), texte(r.nom) if r.nom else "Non développé dans le rapport"] for r in autres.itertuples()]
            resultat += ("\n::: {.ajout}\nSigles employés dans le rapport sans figurer dans la liste publiée "
                         "(ajout au rapport publié) :\n:::\n\n" + tableau(["Sigle", "Nom"], lignes2, ["g", "g"]))
        return Markdown(resultat)
