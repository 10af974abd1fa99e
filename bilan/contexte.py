"""Ce que les notebooks appellent : une édition chargée, et une méthode par bloc du rapport.

Chaque méthode renvoie du Markdown (``IPython.display.Markdown``) que papermill garde dans le
notebook exécuté et que Quarto met en page. Les figures sont écrites en SVG (vectoriel pour
le PDF) dans ``figures/`` à côté du notebook, avec légende, texte de remplacement et le
tableau de leurs nombres.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
from IPython.display import Markdown

from bilan import fiches, francais
from bilan.config import DONNEES, NOTEBOOKS
from bilan.donnees import Plan, charger_plan
from bilan.parametres import Parametres, lire_parametres
from bilan.synthese import (
    Comparaison,
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


def notebook_du_chapitre(motif: str) -> str:
    """Nom du notebook d'un chapitre (ex. « axe1 » → « 04_axe1_recherche.ipynb »), pour les liens."""
    trouves = sorted(NOTEBOOKS.glob(f"[0-9][0-9]_{motif}_*.ipynb")) or sorted(NOTEBOOKS.glob(f"[0-9][0-9]_{motif}.ipynb"))
    return trouves[0].name if trouves else ""


def tableau_markdown(entetes: list[str], lignes: list[list[str]], alignements: list[str], legende: str = "", ident: str = "") -> str:
    """Tableau Markdown (pipe table) avec légende Quarto ``: Légende {#tbl-…}``."""
    sep = {"g": ":---", "d": "---:", "c": ":---:"}
    texte = [
        "| " + " | ".join(entetes) + " |",
        "|" + "|".join(sep[a] for a in alignements) + "|",
        *("| " + " | ".join(c.replace("|", "\\|") for c in ligne) + " |" for ligne in lignes),
    ]
    if legende:
        texte += ["", f": {legende}" + (f" {{#{ident}}}" if ident else "")]
    return "\n".join(texte) + "\n"


@dataclass
class Contexte:
    """Une édition : paramètres, données validées et calculs à la date de référence."""

    params: Parametres
    plan: Plan

    @classmethod
    def charger(cls, parametres: str | Path, donnees: str | Path = DONNEES) -> "Contexte":
        """Lit et valide les paramètres et les données ; lève une erreur claire sinon."""
        return cls(lire_parametres(parametres), charger_plan(Path(donnees)))

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

    def couverture(self) -> Markdown:
        p = self.params
        depot = f"Déposé à l'Assemblée nationale en {francais.mois_annee(p.mois_depot)}"
        return Markdown("\n".join([
            "::: {.couverture}",
            f"[{p['plan']['titre'].upper()}]{{.titre-plan}}",
            "",
            f"[{p['plan']['sous_titre'].upper()}]{{.sous-titre-plan}}",
            "",
            f"[{p['rapport']['titre'].upper()}]{{.titre-rapport}}",
            "",
            f"[{francais.typographie(depot)}]{{.depot}}",
            ":::",
        ]))

    def colophon(self) -> Markdown:
        p = self.params
        e = p["editeur"]
        t = francais.typographie
        adresse = "\n".join(f"| {ligne}" for ligne in e["adresse"])
        return Markdown("\n".join([
            "::: {.colophon}",
            t(e["producteur"]),
            "",
            t("Pour plus de renseignements :"),
            "",
            adresse,
            "",
            f"<{e['courriel']}>",
            "",
            f"| {t('Téléphone : ' + e['telephone'])}",
            f"| {t('Sans frais : ' + e['sans_frais'])}",
            f"| {t('Télécopieur : ' + e['telecopieur'])}",
            "",
            t("Citation suggérée :"),
            "",
            t(p["citation"]),
            "",
            f"ISBN {p['isbn']['imprime']} (version imprimée)",
            "",
            f"ISBN {p['isbn']['pdf']} (PDF)",
            "",
            f"Dépôt légal – {p['depot_legal']['annee']}",
            "",
            p["depot_legal"]["bibliotheque"],
            "",
            p["code_publication"].replace("_", "\\_"),
            "",
            t(p["droits"]),
            "",
            p["copyright"],
            ":::",
        ]))

    def signature(self) -> Markdown:
        s = self.params["signataire"]
        lignes = [s["mention"], "", f"**{s['nom']}**", ""] + [f"| {f}" for f in s["fonctions"]]
        return Markdown("::: {.signature}\n" + "\n".join(lignes) + "\n:::")

    # --- Bilan de mise en œuvre --------------------------------------------------------------

    def tableau_progression(self) -> Markdown:
        """Tableau publié : nombre et pourcentage par statut, édition courante et précédente."""
        editions = [(self.params.edition, self.repartition_mesures)]
        if self.precedente is not None:
            editions.append((self.precedente.edition, self.precedente.repartition))
        libelles = self.repartition_mesures.set_index("categorie")["libelle"]
        # Des mesures sans statut à la date ont leur colonne : les totaux restent justes.
        ordre = ORDRE_PROGRESSION + (("inconnu",) if "inconnu" in libelles.index else ())
        entetes = ["Édition"]
        for cat in ordre:
            entetes += [f"{libelles[cat]} (nombre)", f"{libelles[cat]} (pourcentage)"]
        lignes = []
        for edition, rep in editions:
            r = rep.set_index("categorie")
            ligne = [edition]
            for cat in ordre:
                if cat in r.index:
                    ligne += [francais.nombre(int(r.loc[cat, "nombre"])), r.loc[cat, "pourcentage_texte"]]
                else:
                    ligne += ["0", francais.pourcentage(0, int(rep["total"].iloc[0]))]
            lignes.append(ligne)
        texte = tableau_markdown(entetes, lignes, ["g"] + ["d"] * (len(entetes) - 1),
                                 "Progression de la mise en œuvre des mesures du plan d'action", "tbl-progression")
        if self.precedente is not None and not self.precedente.calculee:
            texte += f"\n::: {{.source-tableau}}\nSource de la ligne {self.precedente.edition} : {francais.typographie(self.precedente.source)}. {francais.typographie(self.precedente.note)}\n:::\n"
        return Markdown(texte)

    def _figure(self, fig, nom: str, legende: str, alt: str) -> str:
        dossier = Path.cwd() / "figures"
        dossier.mkdir(exist_ok=True)
        fig.savefig(dossier / f"{nom}.svg", format="svg", bbox_inches="tight")
        return f'![{legende}](figures/{nom}.svg){{#fig-{nom} fig-alt="{alt}"}}\n'

    def _figure_repartition(self, rep: pd.DataFrame, nom: str, legende: str, quoi: str) -> Markdown:
        from bilan.figures import figure_repartition

        rep = rep[(rep["nombre"] > 0) | (rep["categorie"] != "inconnu")]
        fig = figure_repartition(rep[["categorie", "libelle", "nombre", "pourcentage_texte"]].rename(columns={"pourcentage_texte": "pourcentage"}), "")  # la légende Quarto tient lieu de titre
        total = int(rep["total"].iloc[0])
        details = " ; ".join(f"{r.libelle} : {r.nombre} ({r.pourcentage_texte})" for r in rep.itertuples())
        alt = francais.typographie(f"Diagramme à barres du statut des {total} {quoi} au {francais.date_longue(self.date)}. {details}.")
        lignes = [[r.libelle, francais.nombre(int(r.nombre)), r.pourcentage_texte] for r in rep.itertuples()]
        lignes.append(["Total", francais.nombre(total), francais.pourcentage(total, total)])
        tableau = tableau_markdown(["Statut", "Nombre", "Pourcentage"], lignes, ["g", "d", "d"],
                                   f"{legende} : nombres de la figure", f"tbl-{nom}")
        return Markdown(self._figure(fig, nom, legende, alt.replace('"', "'")) + "\n" + tableau)

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
            lignes.append([f"{axe}. {francais.typographie(g['libelle_axe'].iloc[0])}"]
                          + [f"{int(g.loc[c, 'nombre'])} ({g.loc[c, 'pourcentage_texte']})" for c in cats]
                          + [str(total)])
        return Markdown(tableau_markdown(["Axe"] + [libelles[c] for c in cats] + ["Total"], lignes,
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
        alt = francais.typographie(f"Barres empilées du statut des mesures pour chacun des six axes. {details}.")
        return Markdown(self._figure(fig, "statut-axes", legende, alt.replace('"', "'")))

    # --- Chapitres des axes -----------------------------------------------------------------

    def entete_axe(self, axe: int) -> Markdown:
        ligne = self.plan.axes.set_index("axe").loc[axe]
        objectif = "\n\n".join(francais.typographie(p.strip()) for p in ligne["objectif"].strip().split("\n\n"))
        return Markdown(f"::: {{.slogan}}\n{francais.typographie(ligne['slogan'])}\n:::\n\n{objectif}\n")

    @cached_property
    def _index_fiches(self) -> fiches.IndexFiches:
        return fiches.indexer(self.plan, self.statuts_mesures, self.statuts_livrables)

    def fiche(self, mesure: str) -> Markdown:
        return Markdown(fiches.fiche_markdown(self.plan, mesure, self.statuts_mesures, self.statuts_livrables,
                                              notebook_du_chapitre("annexe1"), self._index_fiches))

    def fiches(self, axe: int) -> Markdown:
        """Les fiches de toutes les mesures de l'axe, dans l'ordre, en un seul appel : un plan de
        centaines de mesures n'écrit pas une cellule par fiche. Chaque fiche finit par un saut de
        ligne ; la ligne vide qui les sépare laisse chaque titre ``##`` en tête de bloc."""
        if axe not in set(self.plan.axes["axe"]):
            raise KeyError(f"Axe inconnu : {axe} (voir data/axes.yml)")
        mesures = self.plan.mesures.loc[self.plan.mesures["axe"] == axe, "mesure"]
        cible = notebook_du_chapitre("annexe1")  # une fois pour l'axe, pas une fois par fiche
        return Markdown("\n".join(
            fiches.fiche_markdown(self.plan, m, self.statuts_mesures, self.statuts_livrables, cible, self._index_fiches)
            for m in mesures))

    # --- Annexes ------------------------------------------------------------------------------

    def annexe_recommandations(self) -> Markdown:
        """Chaque recommandation, son texte intégral et les mesures qui y répondent (liens connus)."""
        couverture = couverture_recommandations(self.plan)
        par_reco = mesures_par_recommandation(self.plan)
        axe_de = dict(zip(self.plan.mesures["mesure"], self.plan.mesures["axe"]))
        chapitre = {axe: notebook_du_chapitre(f"axe{axe}") for axe in set(axe_de.values())}  # pas un glob par lien
        blocs = []
        if couverture.mesures_liens_inconnus:
            inconnues = francais.liste(list(couverture.mesures_liens_inconnus))
            blocs.append(francais.typographie(
                f"::: {{.avertissement}}\nLes liens entre les recommandations et {len(couverture.mesures_liens_inconnus)} "
                f"mesures (n^os^ {inconnues}) ne figurent pas dans le texte source du rapport : "
                "la liste des mesures qui répondent à chaque recommandation peut donc être incomplète.\n:::\n"))
        for numero, texte in zip(self.plan.recommandations["numero"], self.plan.recommandations["texte"]):
            n = int(numero)
            mesures = par_reco.get(n, [])
            liens = [f"[{fiches.reference_mesure(m)}]({chapitre[axe_de[m]]}#{fiches.ancre_mesure(m)})" for m in mesures]
            reponse = (f"Mesure(s) qui y répondent : {', '.join(liens)}" if liens
                       else "Aucune mesure dont le lien avec cette recommandation est connu.")
            blocs.append(
                f"## Recommandation n° {n} {{#{fiches.ancre_recommandation(n)} .unlisted .unnumbered}}\n\n"
                f"{francais.typographie(texte.strip())}\n\n"
                f"::: {{.mesures-liees}}\n{francais.typographie(reponse)}\n:::\n"
            )
        return Markdown("\n".join(blocs))

    def annexe_comite(self) -> Markdown:
        lignes = []
        dernier = len(self.plan.comite)
        for _, m in self.plan.comite.sort_values("ordre").iterrows():
            nom = m["organisation_nom"] + (" (ministère porteur)" if m["porteur"] else "")
            fin = "." if m["ordre"] == dernier else ";"
            lignes.append(f"- **{nom}{fin}**" if m["porteur"] else f"- {nom}{fin}")
        return Markdown("\n".join(lignes) + "\n")

    def liste_acronymes(self) -> Markdown:
        orgs = self.plan.organisations
        listes = orgs[orgs["source"] == "liste des acronymes"]
        lignes = [[francais.typographie(r.nom), r.organisation] for r in listes.itertuples()]
        texte = tableau_markdown(["Nom", "Acronyme"], lignes, ["g", "g"])
        autres = orgs[(orgs["type"] == "sigle") & ~orgs["source"].str.startswith("liste des acronymes")]
        if len(autres):
            lignes2 = [[r.organisation, francais.typographie(r.nom) if r.nom else "Non développé dans le rapport"] for r in autres.itertuples()]
            texte += ("\n::: {.ajout}\nSigles employés dans le rapport sans figurer dans la liste publiée "
                      "(ajout au rapport publié) :\n:::\n\n" + tableau_markdown(["Sigle", "Nom"], lignes2, ["g", "g"]))
        return Markdown(texte)
