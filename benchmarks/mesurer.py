"""Banc d'essai de la construction : temps, mémoire et cibles (issue 10), à relancer après un changement.

    make banc                                         # = .venv/bin/python benchmarks/mesurer.py
    .venv/bin/python benchmarks/mesurer.py --repetitions 5
    .venv/bin/python benchmarks/mesurer.py --grand    # plus un plan de 5 000 mesures (≈ 3 min de plus)
    .venv/bin/python benchmarks/mesurer.py --repetitions 1 --tailles 100   # tour rapide

Chaque construction tourne dans un processus neuf (benchmarks/sonde.py), sur une COPIE du
projet (bilan/, styles/, _quarto.yml, params/, data/, notebooks/) dont le paquet est pris par
``PYTHONPATH`` : le dépôt n'est jamais touché. Chaque mesure est prise ``--repetitions`` fois
(3 par défaut) ; le tableau en donne la médiane, le fichier JSON toutes les valeurs.

Ce qui est mesuré :

1. le travail en processus sur l'édition 2024 (validation, statuts à 100 dates, calculs) ;
2. la construction de 2024 SANS cache (moteur intégré) : chaque notebook, l'étape des
   notebooks, le rendu, la mémoire ;
3. le plancher : les mêmes appels de ``bilan`` que font les notebooks (cellules de code de
   notebooks/, dans l'ordre) en un seul processus, et le démarrage d'un noyau ;
4. le rendu de Quarto, si la commande ``quarto`` est installée ;
5. une modification du récit (une cellule Markdown de la copie) jusqu'au rapport publié, par
   ``construire`` (processus neuf) et dans un processus déjà chargé (``python -m bilan apercu``) ;
6. l'échelle : plans synthétiques de 100 et 1 000 mesures (benchmarks/synthetique.py ; 5 000
   avec ``--grand``, en une passe), construits sans cache par le moteur intégré.

Cibles (machine de 2 cœurs), affichées à côté de chaque chiffre avec l'écart :

- étape des notebooks ≤ 2 × plancher + un démarrage de noyau par travailleur ;
- modification du récit visible en moins de 5 s avec le moteur intégré ;
- 1 000 mesures construites (notebooks, exports, rendu intégré) en moins de 60 s ;
- temps qui ne croît pas plus vite que le nombre de mesures (exposant ≤ 1 entre les deux plus
  grandes tailles : t ∝ n^exposant).

Le script se termine par un code non nul si une cible est manquée. Ce n'est pas un test : les
temps dépendent de la machine et de sa charge (affichée au début et à la fin, et gardée dans le
JSON : une machine partagée donne des temps pessimistes). Résultats dans
benchmarks/resultats/mesurer.json (dossier ignoré par git).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

import psutil  # mémoire des processus enfants (installé avec ipykernel)

RACINE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(RACINE))

from bilan.config import etat_git  # noqa: E402
from bilan.contexte import Contexte  # noqa: E402
from bilan.donnees import charger_plan, verifier  # noqa: E402
from bilan.parametres import lire_parametres  # noqa: E402
from bilan.synthese import repartition, statuts_livrables, statuts_mesures  # noqa: E402

SONDE = RACINE / "benchmarks" / "sonde.py"
RESULTATS = RACINE / "benchmarks" / "resultats" / "mesurer.json"
#: Ce qu'une construction lit du projet : la copie mesurée n'a que cela.
PROJET = ("bilan", "styles", "_quarto.yml", "params", "data", "notebooks")
#: Notebook dont le banc modifie le récit (une cellule Markdown).
NOTEBOOK_RECIT = "03_bilan.ipynb"
TAILLES = (100, 1000)
GRANDE_TAILLE = 5000

CIBLES_EN_PROCESSUS = {  # secondes, Mio de mémoire résidente maximale du processus
    "validation des données": (3.0, 500),
    "statuts et répartitions à 100 dates": (10.0, 500),
    "calculs d'une édition (variables, fiches)": (3.0, 500),
}
CIBLE_RECIT_S = 5.0
CIBLE_1000_S = 60.0
CIBLE_EXPOSANT = 1.0

# --- Outils ---------------------------------------------------------------------------------------


def copier_projet(cible: Path) -> Path:
    """Copie de ce qu'une construction lit (sans _build/ ni .venv/) ; renvoie ``cible``."""
    cible.mkdir(parents=True, exist_ok=True)
    for nom in PROJET:
        source = RACINE / nom
        if source.is_dir():
            shutil.copytree(source, cible / nom, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        else:
            shutil.copy2(source, cible / nom)
    return cible


def plan_synthetique(cible: Path, mesures: int) -> Path:
    """Projet complet d'un plan synthétique : data/, params/, notebooks/ du générateur, le reste copié."""
    sys.path.insert(0, str(RACINE / "benchmarks"))
    from synthetique import generer

    generer(cible, mesures, graine=0)
    for nom in ("bilan", "styles", "_quarto.yml"):
        source = RACINE / nom
        if source.is_dir():
            shutil.copytree(source, cible / nom, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, cible / nom)
    return cible


def _environnement(projet: Path) -> dict[str, str]:
    """Le paquet de la copie d'abord ; rien de l'environnement ne redirige les données."""
    env = {k: v for k, v in os.environ.items() if k not in ("BILAN_DONNEES", "PYTHONPATH")}
    env["PYTHONPATH"] = str(projet)
    env["MPLBACKEND"] = "Agg"
    return env


class Releve(threading.Thread):
    """Mémoire résidente d'un processus et de tous ses descendants, relevée dix fois par seconde.

    Donne le pic de la somme (ce que la construction demande à la machine à un instant) et le
    pic de chaque sorte de processus : la construction, les noyaux, Pandoc. Un relevé
    échantillonné peut manquer un pic de moins d'un dixième de seconde.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(name="releve-memoire", daemon=True)
        self.pid = pid
        self.arret = threading.Event()
        self.pics: dict[str, float] = {"somme": 0.0, "construction": 0.0, "noyau": 0.0, "pandoc": 0.0, "autre": 0.0}
        self._sortes: dict[int, str] = {}

    def _sorte(self, p: psutil.Process) -> str:
        if p.pid not in self._sortes:
            ligne = " ".join(p.cmdline())
            self._sortes[p.pid] = ("construction" if p.pid == self.pid else "noyau" if "ipykernel" in ligne
                                   else "pandoc" if "pandoc" in p.name() else "autre")
        return self._sortes[p.pid]

    def run(self) -> None:
        try:
            racine = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self.arret.wait(0.1):
            try:
                processus = [racine, *racine.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            somme = 0.0
            for p in processus:
                try:
                    rss = p.memory_info().rss / 2**20
                    sorte = self._sorte(p)
                except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                    continue
                somme += rss
                self.pics[sorte] = max(self.pics[sorte], rss)
            self.pics["somme"] = max(self.pics["somme"], somme)


def sonde(projet: Path, *arguments: str, cwd: Path | None = None) -> dict[str, Any]:
    """Lance benchmarks/sonde.py dans un processus neuf ; son résultat, plus ``mur_s`` : la durée
    vue d'ici, du lancement de l'interpréteur à sa fin (ce qu'attend la personne qui tape la
    commande), et ``memoire_mio`` : les pics du relevé (voir ``Releve``)."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        fichier = Path(f.name)
    try:
        debut = time.perf_counter()
        proc = subprocess.Popen([sys.executable, str(SONDE), arguments[0], str(fichier), *arguments[1:]],
                                cwd=cwd or projet, env=_environnement(projet), text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        releve = Releve(proc.pid)
        releve.start()
        _, erreurs = proc.communicate()
        mur = time.perf_counter() - debut
        releve.arret.set()
        releve.join()
        resultat = json.loads(fichier.read_text(encoding="utf-8")) if fichier.stat().st_size else {}
    finally:
        fichier.unlink(missing_ok=True)
    if proc.returncode != 0 or not resultat:
        messages = "\n".join(resultat.get("construction", {}).get("messages", [])[-15:])
        raise RuntimeError(f"la sonde « {' '.join(arguments)} » a échoué (code {proc.returncode}) :\n"
                           f"{messages}\n{erreurs[-3000:]}")
    if Path(resultat["paquet"]) != (projet / "bilan").resolve():
        raise RuntimeError(f"la sonde a importé bilan depuis {resultat['paquet']}, pas depuis la copie {projet}")
    resultat["mur_s"] = mur
    resultat["memoire_mio"] = dict(releve.pics)
    resultat["memoire_mio"]["construction"] = max(releve.pics["construction"], resultat["memoire_processus_mio"])
    return resultat


def construire(projet: Path, *, cache: bool, moteur: str = "integre", recit: Path | None = None) -> dict[str, Any]:
    arguments = ["construire", str(projet / "params" / "2024.yml"), "--racine", str(projet / "_build"), "--moteur", moteur]
    if not cache:
        arguments.append("--sans-cache")
    if recit is not None:
        arguments += ["--recit", str(recit)]
    return sonde(projet, *arguments)


def mediane(valeurs: list[float]) -> float:
    return statistics.median(valeurs)


def ajouter_phrase(notebook: Path, phrase: str) -> None:
    """Ajoute ``phrase`` à la dernière cellule Markdown du notebook : ce que fait un rédacteur."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    cellule = [c for c in nb.cells if c.cell_type == "markdown"][-1]
    cellule.source = cellule.source.rstrip() + f"\n\n{phrase}\n"
    nbformat.write(nb, notebook)


def charge() -> str:
    un, cinq, _ = os.getloadavg()
    return f"charge {un:.1f} (1 min), {cinq:.1f} (5 min) pour {os.cpu_count()} cœur(s)"


# --- Tableau et cibles ----------------------------------------------------------------------------


class Tableau:
    """Lignes « mesure, valeur, cible, verdict » ; retient si une cible est manquée."""

    def __init__(self) -> None:
        self.lignes: list[tuple[str, str, str, str]] = []
        self.cibles: list[dict[str, Any]] = []

    def titre(self, texte: str) -> None:
        self.lignes.append((f"— {texte}", "", "", ""))

    def ligne(self, nom: str, valeur: str, cible: str = "", verdict: str = "") -> None:
        self.lignes.append((nom, valeur, cible, verdict))

    def cible(self, nom: str, valeur: float, plafond: float, unite: str = "s", cible_dite: str | None = None,
              strict: bool = False) -> bool:
        """Ligne d'une mesure bornée : verdict et écart (marge ou dépassement, en valeur et en %)."""
        ok = valeur < plafond if strict else valeur <= plafond
        ecart = abs(plafond - valeur)
        pourcent = f"{100 * ecart / plafond:.0f} %" if plafond else ""
        verdict = (f"atteinte (marge {ecart:.2f} {unite}, {pourcent})" if ok
                   else f"NON ATTEINTE (dépassée de {ecart:.2f} {unite}, +{pourcent})")
        signe = "<" if strict else "≤"
        self.ligne(nom, f"{valeur:.2f} {unite}", cible_dite or f"{signe} {plafond:.2f} {unite}", verdict)
        self.cibles.append({"mesure": nom, "valeur": valeur, "plafond": plafond, "unite": unite, "atteinte": ok})
        return ok

    def afficher(self) -> str:
        l0 = max(len(a) for a, *_ in self.lignes)
        l1 = max(len(b) for _, b, *_ in self.lignes)
        l2 = max(len(c) for *_, c, _ in self.lignes)
        texte = []
        for nom, valeur, cible, verdict in self.lignes:
            if not valeur and not cible:
                texte.append(nom)
            else:
                texte.append(f"  {nom:<{l0}}  {valeur:>{l1}}  {cible:<{l2}}  {verdict}".rstrip())
        return "\n".join(texte)

    @property
    def toutes_atteintes(self) -> bool:
        return all(c["atteinte"] for c in self.cibles)


def _lignes_memoire(tableau: Tableau, passes: list[dict[str, Any]], ou: str) -> None:
    """Pics de mémoire résidente des passes : somme des processus, construction, noyau, Pandoc."""
    def pic(sorte: str) -> float:
        return max(p["memoire_mio"][sorte] for p in passes)

    tableau.ligne(f"mémoire max.{ou} : tous les processus ensemble", f"{pic('somme'):.0f} Mio")
    tableau.ligne(f"   construction (Typst compris) / un noyau / Pandoc",
                  f"{pic('construction'):.0f} / {pic('noyau'):.0f} / {pic('pandoc'):.0f} Mio")


# --- 1. Travail en processus (édition 2024) ---------------------------------------------------------


def statuts_a_100_dates() -> None:
    plan = charger_plan()
    debut = dt.date(2021, 12, 1)
    for i in range(100):
        date = debut + dt.timedelta(days=15 * i)
        repartition(plan, statuts_mesures(plan, date), "mesure")
        repartition(plan, statuts_livrables(plan, date), "livrable")


def calculs_edition() -> None:
    ctx = Contexte(lire_parametres(RACINE / "params" / "2024.yml"), charger_plan())  # sans mémoire : tout recalculé
    ctx.variables
    for m in ctx.plan.mesures["mesure"]:
        ctx.fiche(m)


def en_processus(tableau: Tableau, repetitions: int) -> dict[str, Any]:
    """Durée médiane et mémoire résidente maximale du processus (ru_maxrss depuis le lancement :
    une borne supérieure, sans le ralentissement de tracemalloc)."""
    etapes: list[tuple[str, Callable[[], Any]]] = [
        ("validation des données", verifier),
        ("statuts et répartitions à 100 dates", statuts_a_100_dates),
        ("calculs d'une édition (variables, fiches)", calculs_edition),
    ]
    resultats: dict[str, Any] = {}
    tableau.titre("Travail en processus, édition 2024 (médianes)")
    for nom, fonction in etapes:
        temps = []
        for _ in range(repetitions):
            debut = time.perf_counter()
            fonction()
            temps.append(time.perf_counter() - debut)
        pic = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        cible_s, cible_mio = CIBLES_EN_PROCESSUS[nom]
        tableau.cible(nom, mediane(temps), cible_s)
        tableau.cible(f"   mémoire du processus après l'étape", pic, cible_mio, unite="Mio")
        resultats[nom] = {"temps_s": temps, "memoire_mio": pic}
    return resultats


# --- 2 à 5. Édition 2024 ----------------------------------------------------------------------------


def edition_2024(tableau: Tableau, repetitions: int, dossier: Path) -> dict[str, Any]:
    projet = copier_projet(dossier / "projet-2024")
    sources = sorted((projet / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    resultats: dict[str, Any] = {}

    print("  construction de 2024 sans cache …", flush=True)
    froides = [construire(projet, cache=False) for _ in range(repetitions)]
    resultats["construction_sans_cache"] = froides
    print("  plancher en un processus et démarrage d'un noyau …", flush=True)
    figures = dossier / "plancher"
    figures.mkdir()
    planchers = [sonde(projet, "plancher", str(projet / "params" / "2024.yml"), *map(str, sources), cwd=figures)
                 for _ in range(repetitions)]
    noyaux = [sonde(projet, "noyau", str(projet), str(projet / "data")) for _ in range(repetitions)]
    resultats["plancher"] = planchers
    resultats["noyau"] = noyaux

    tableau.titre(f"Édition 2024, construction sans cache, moteur intégré (médiane de {repetitions})")
    for nb in [s.stem for s in sources]:
        temps = [next(n["duree_s"] for n in f["construction"]["notebooks"] if n["nom"] == nb) for f in froides]
        tableau.ligne(f"notebook {nb}", f"{mediane(temps):.2f} s")
    travailleurs = max(f["construction"]["travailleurs"] for f in froides)
    etape = mediane([f["construction"]["etapes"]["notebooks"] for f in froides])
    plancher = mediane([p["duree_s"] for p in planchers])
    demarrage = mediane([n["duree_s"] for n in noyaux])
    tableau.ligne("   (le premier notebook de chaque noyau compte l'attente du noyau et les imports)", "")
    tableau.ligne("plancher : mêmes appels en un processus", f"{plancher:.2f} s")
    tableau.ligne("démarrage d'un noyau (jusqu'à import de bilan.contexte)", f"{demarrage:.2f} s")
    tableau.cible(f"étape des notebooks ({len(sources)} notebooks, {travailleurs} noyaux)", etape,
                  2 * plancher + travailleurs * demarrage,
                  cible_dite=f"≤ 2 × {plancher:.2f} + {travailleurs} × {demarrage:.2f} = "
                             f"{2 * plancher + travailleurs * demarrage:.2f} s")
    tableau.ligne("rapport étape des notebooks / plancher", f"{etape / plancher:.1f}")
    for nom in ("validation", "exports", "assemblage", "rendu"):
        valeurs = [f["construction"]["etapes"][nom] for f in froides if f["construction"]["etapes"][nom] is not None]
        if valeurs:
            tableau.ligne(f"{nom}{' (moteur intégré : HTML et PDF)' if nom == 'rendu' else ''}", f"{mediane(valeurs):.2f} s")
    tableau.ligne("imports de la commande (bilan.construire)", f"{mediane([f['imports_s'] for f in froides]):.2f} s")
    tableau.ligne("construction entière (commande, du lancement à la fin)", f"{mediane([f['mur_s'] for f in froides]):.2f} s")
    _lignes_memoire(tableau, froides, "")

    # Cache chaud : une construction non chronométrée, puis le récit modifié à chaque passe.
    print("  modification du récit …", flush=True)
    construire(projet, cache=True)
    recits = []
    for i in range(repetitions):
        phrase = f"Phrase témoin du banc numéro {i} {time.time_ns()}."
        ajouter_phrase(projet / "notebooks" / NOTEBOOK_RECIT, phrase)
        r = construire(projet, cache=True)
        reexecutes = [n["nom"] for n in r["construction"]["notebooks"] if not n["repris"]]
        pages = "".join(p.read_text(encoding="utf-8") for p in (projet / "_build" / "2024" / "rapport").glob("*.html"))
        if reexecutes or phrase not in pages:
            raise RuntimeError(f"modification du récit : réexécutés {reexecutes}, phrase publiée : {phrase in pages}")
        recits.append(r)
    resultats["recit"] = recits
    print("  aperçu (processus chargé) …", flush=True)
    apercus = [construire(projet, cache=True, recit=projet / "notebooks" / NOTEBOOK_RECIT) for _ in range(repetitions)]
    resultats["apercu"] = apercus

    tableau.titre("Modification du récit (une cellule Markdown), cache réutilisé, moteur intégré")
    tableau.cible("python -m bilan construire : commande entière", mediane([r["mur_s"] for r in recits]), CIBLE_RECIT_S,
                  strict=True)
    tableau.ligne("   dont imports", f"{mediane([r['imports_s'] for r in recits]):.2f} s")
    for nom in ("validation", "notebooks", "rendu"):
        tableau.ligne(f"   dont {nom}", f"{mediane([r['construction']['etapes'][nom] for r in recits]):.2f} s")
    tableau.cible("python -m bilan apercu : reconstruction (processus chargé)",
                  mediane([a["apercu"]["duree_s"] for a in apercus]), CIBLE_RECIT_S, strict=True)

    # Quarto, s'il est là.
    tableau.titre("Rendu par moteur (construction dont les notebooks sont repris du cache)")
    tableau.ligne("moteur intégré (Pandoc + Typst)", f"{mediane([r['construction']['etapes']['rendu'] for r in recits]):.2f} s")
    if shutil.which("quarto"):
        print("  rendu de Quarto …", flush=True)
        quartos = [construire(projet, cache=True, moteur="quarto") for _ in range(repetitions)]
        resultats["quarto"] = quartos
        tableau.ligne("Quarto", f"{mediane([q['construction']['etapes']['rendu'] for q in quartos]):.2f} s")
    else:
        resultats["quarto"] = "absent"
        tableau.ligne("Quarto", "non mesuré", "", "commande « quarto » absente du PATH")
    return resultats


# --- 6. Échelle -----------------------------------------------------------------------------------------


def exposant(t1: float, t2: float, n1: int, n2: int) -> float:
    """t ∝ n^exposant entre deux tailles : 1 pour un temps linéaire, 2 pour un temps quadratique."""
    return math.log(t2 / t1) / math.log(n2 / n1)


def echelle(tableau: Tableau, tailles: list[int], repetitions: int, dossier: Path) -> dict[str, Any]:
    resultats: dict[str, Any] = {}
    for taille in tailles:
        passes = 1 if taille >= GRANDE_TAILLE else repetitions
        print(f"  plan synthétique de {taille} mesures ({passes} passe(s)) …", flush=True)
        projet = plan_synthetique(dossier / f"plan-{taille}", taille)
        resultats[str(taille)] = [construire(projet, cache=False) for _ in range(passes)]
        shutil.rmtree(projet, ignore_errors=True)

    def med(taille: int, quoi: Callable[[dict[str, Any]], float]) -> float:
        return mediane([quoi(r) for r in resultats[str(taille)]])

    tableau.titre("Échelle : plans synthétiques, construction sans cache, moteur intégré (2 cœurs)")
    etapes: list[tuple[str, Callable[[dict[str, Any]], float]]] = [
        ("validation", lambda r: r["construction"]["etapes"]["validation"]),
        ("notebooks", lambda r: r["construction"]["etapes"]["notebooks"]),
        ("exports", lambda r: r["construction"]["etapes"]["exports"]),
        ("assemblage", lambda r: r["construction"]["etapes"]["assemblage"]),
        ("rendu", lambda r: r["construction"]["etapes"]["rendu"]),
        ("construction entière (commande)", lambda r: r["mur_s"]),
    ]
    for nom, quoi in etapes:
        valeurs = " / ".join(f"{med(t, quoi):.1f}" for t in tailles)
        exposants = " ; ".join(f"{exposant(med(a, quoi), med(b, quoi), a, b):.2f}" for a, b in zip(tailles, tailles[1:]))
        tableau.ligne(f"{nom} ({' / '.join(map(str, tailles))} mesures)", f"{valeurs} s",
                      f"exposant {exposants}" if len(tailles) > 1 else "")
    for t in tailles:
        _lignes_memoire(tableau, resultats[str(t)], f" à {t} mesures")
    if 1000 in tailles:
        tableau.cible("1 000 mesures : construction entière", med(1000, lambda r: r["mur_s"]), CIBLE_1000_S, strict=True)
    if len(tailles) > 1:
        a, b = tailles[-2], tailles[-1]
        e = exposant(med(a, lambda r: r["mur_s"]), med(b, lambda r: r["mur_s"]), a, b)
        tableau.cible(f"croissance {a} → {b} mesures (exposant, construction entière)", e, CIBLE_EXPOSANT, unite="")
    return resultats


# --- Programme --------------------------------------------------------------------------------------------


def _commit() -> str:
    etat = etat_git(court=True)
    return "inconnu" if etat is None else etat[0] + (" (modifié)" if etat[1] else "")


def main() -> int:
    p = argparse.ArgumentParser(description="Banc d'essai de la construction : temps, mémoire et cibles.")
    p.add_argument("--repetitions", type=int, default=3, help="passes par mesure, on garde la médiane (défaut : 3)")
    p.add_argument("--tailles", type=int, nargs="+", default=list(TAILLES),
                   help="plans synthétiques, en nombre de mesures (défaut : 100 1000)")
    p.add_argument("--grand", action="store_true", help=f"ajouter un plan de {GRANDE_TAILLE} mesures (une passe, ≈ 3 min)")
    p.add_argument("--sans-echelle", action="store_true", help="ne pas construire de plans synthétiques")
    p.add_argument("--sortie", type=Path, default=RESULTATS, help=f"fichier JSON (défaut : {RESULTATS.relative_to(RACINE)})")
    args = p.parse_args()
    if args.repetitions < 1:
        p.error("--repetitions : au moins 1")
    tailles = sorted(set(args.tailles) | ({GRANDE_TAILLE} if args.grand else set()))

    debut = time.perf_counter()
    print(f"Banc d'essai, {args.repetitions} passe(s) par mesure ; {charge()}.", flush=True)
    if os.getloadavg()[0] > (os.cpu_count() or 1):
        print("Avertissement – machine déjà occupée : les temps seront pessimistes.", flush=True)
    tableau = Tableau()
    sortie: dict[str, Any] = {
        "commit": _commit(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "machine": {"python": platform.python_version(), "systeme": platform.platform(),
                    "coeurs": os.cpu_count(), "charge_debut": os.getloadavg()},
        "repetitions": args.repetitions,
    }
    sortie["en_processus"] = en_processus(tableau, args.repetitions)
    with tempfile.TemporaryDirectory(prefix="banc-") as dossier:
        sortie["edition_2024"] = edition_2024(tableau, args.repetitions, Path(dossier))
        if not args.sans_echelle:
            sortie["echelle"] = echelle(tableau, tailles, args.repetitions, Path(dossier))
    sortie["machine"]["charge_fin"] = os.getloadavg()
    sortie["cibles"] = tableau.cibles
    sortie["duree_du_banc_s"] = time.perf_counter() - debut

    print()
    print(tableau.afficher())
    print(f"\n{charge()} ; banc terminé en {sortie['duree_du_banc_s']:.0f} s.")
    args.sortie.parent.mkdir(parents=True, exist_ok=True)
    args.sortie.write_text(json.dumps(sortie, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"Résultats écrits dans {args.sortie}")
    manquees = [c["mesure"] for c in tableau.cibles if not c["atteinte"]]
    if manquees:
        print(f"{len(manquees)} cible(s) manquée(s) : {' ; '.join(manquees)}")
    return 0 if not manquees else 1


if __name__ == "__main__":
    sys.exit(main())
