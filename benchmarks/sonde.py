"""Sonde du banc d'essai : une mesure dans un processus neuf, sur une copie du projet.

    PYTHONPATH=<projet> python benchmarks/sonde.py construire RESULTAT.json PARAMS --racine _build
        [--moteur integre] [--sans-cache] [--recit NOTEBOOK]
    PYTHONPATH=<projet> python benchmarks/sonde.py plancher RESULTAT.json PARAMS NOTEBOOK…
    PYTHONPATH=<projet> python benchmarks/sonde.py noyau RESULTAT.json PROJET DONNEES

Lancée par benchmarks/mesurer.py, jamais à la main. Le paquet ``bilan`` est celui de
``PYTHONPATH`` (la copie du projet mesurée) ; son dossier est écrit dans le résultat, que
mesurer.py vérifie.

``construire`` appelle ``bilan.construire.construire`` comme ``python -m bilan construire`` et
enveloppe, sans les changer, les fonctions que la construction appelle par leur nom
(``valider``, ``ecrire_exports``, ``executer``, ``ecrire_livre``, ``provenance``) pour dater
chaque étape. ``--recit NOTEBOOK`` : après la construction, ajoute une phrase à une cellule
Markdown de ce notebook et reconstruit DANS LE MÊME PROCESSUS, comme ``python -m bilan
apercu`` ; la seconde construction est chronométrée à part (clé ``apercu``).

Chaque mode écrit dans RESULTAT.json ses durées et la mémoire résidente maximale du processus
(Typst compile le PDF dans ce processus) ; celle des noyaux et de Pandoc est relevée par
mesurer.py pendant l'exécution.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any, Callable

DEBUT = time.perf_counter()


def _envelopper(module: Any, nom: str, journal: dict[str, Any], quand: Callable[[Any, tuple], None] | None = None) -> None:
    """Remplace ``module.nom`` par une version qui note l'heure de début et de fin de chaque appel."""
    if not hasattr(module, nom):
        journal.setdefault("absentes", []).append(f"{module.__name__}.{nom}")
        return
    fonction = getattr(module, nom)

    def enveloppe(*args: Any, **kwargs: Any) -> Any:
        debut = time.perf_counter()
        try:
            resultat = fonction(*args, **kwargs)
        finally:
            journal.setdefault(nom, []).append((debut - DEBUT, time.perf_counter() - DEBUT))
        if quand is not None:
            quand(resultat, args)
        return resultat

    enveloppe.__wrapped_original__ = fonction  # type: ignore[attr-defined]
    setattr(module, nom, enveloppe)


def _ajouter_phrase(notebook: Path, phrase: str) -> None:
    """Ajoute ``phrase`` à la dernière cellule Markdown du notebook (une modification du récit)."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    cellule = [c for c in nb.cells if c.cell_type == "markdown"][-1]
    cellule.source = cellule.source.rstrip() + f"\n\n{phrase}\n"
    nbformat.write(nb, notebook)


def construire_une_fois(construction: Any, params: Path, racine: Path, moteur: str, cache: bool) -> dict[str, Any]:
    """Une construction ; renvoie code, durée, fin de chaque étape et notebooks."""
    journal: dict[str, Any] = {}
    executions: list[Any] = []
    messages: list[str] = []
    _envelopper(construction, "valider", journal)
    _envelopper(construction, "ecrire_exports", journal)
    _envelopper(construction, "executer", journal, lambda _, args: executions.append(args[0]))
    _envelopper(construction, "ecrire_livre", journal)
    _envelopper(construction, "provenance", journal)
    debut = time.perf_counter() - DEBUT
    try:
        code = construction.construire(params, racine=racine, moteur=moteur, cache=cache, dire=messages.append)
    finally:
        for nom in ("valider", "ecrire_exports", "executer", "ecrire_livre", "provenance"):
            fonction = getattr(construction, nom, None)
            if fonction is not None and hasattr(fonction, "__wrapped_original__"):
                setattr(construction, nom, fonction.__wrapped_original__)
    fin = time.perf_counter() - DEBUT

    def duree(nom: str) -> float | None:
        return journal[nom][-1][1] - journal[nom][-1][0] if nom in journal else None

    etapes: dict[str, float | None] = {
        "validation": duree("valider"),
        "exports": duree("ecrire_exports"),
        "notebooks": duree("executer"),
        # Du retour des notebooks à l'écriture de la provenance : livre Markdown assemblé, puis rendu.
        "assemblage": (journal["ecrire_livre"][-1][1] - journal["executer"][-1][1])
        if "ecrire_livre" in journal and "executer" in journal else None,
        "rendu": (journal["provenance"][-1][0] - journal["ecrire_livre"][-1][1])
        if "provenance" in journal and "ecrire_livre" in journal else None,
    }
    notebooks: list[dict[str, Any]] = []
    travailleurs = 0
    if executions:
        from bilan.execution import nombre_de_travailleurs

        resultats = executions[-1].resultats
        notebooks = [{"nom": r.nom, "duree_s": r.duree, "repris": r.repris} for r in resultats]
        executes = sum(1 for r in resultats if not r.repris)
        travailleurs = nombre_de_travailleurs(executions[-1].travailleurs, executes) if executes else 0
    return {"code": code, "duree_s": fin - debut, "etapes": etapes, "notebooks": notebooks,
            "travailleurs": travailleurs, "fonctions_absentes": journal.get("absentes", []),
            "messages": messages if code != 0 else []}


def plancher(notebooks: list[Path], params: Path) -> dict[str, Any]:
    """Les cellules de code des notebooks, dans l'ordre, dans CE processus : le coût des calculs seuls.

    Chaque notebook a son espace de noms, sa cellule de paramètres suivie de la valeur que
    papermill injecterait, puis ses cellules ; la valeur de la dernière expression d'une cellule
    est convertie en Markdown comme le ferait le noyau. Seul l'import de ``bilan.contexte`` est
    hors chronomètre : le démarrage d'un noyau (``noyau``) le compte déjà. Les figures sont
    écrites dans ``figures/`` du dossier courant, comme dans un noyau.
    """
    import ast

    import nbformat

    from bilan.contexte import Contexte  # noqa: F401  (hors chronomètre, voir plus haut)

    cellules = [(nb.stem, [c.source for c in nbformat.read(nb, as_version=4).cells if c.cell_type == "code"])
                for nb in notebooks]
    Path("figures").mkdir(exist_ok=True)
    durees: dict[str, float] = {}
    debut_total = time.perf_counter()
    for nom, sources in cellules:
        debut = time.perf_counter()
        espace: dict[str, Any] = {}
        injection = f"parametres = {str(params)!r}"
        for rang, source in enumerate(sources):
            arbre = ast.parse(source)
            derniere = arbre.body.pop() if arbre.body and isinstance(arbre.body[-1], ast.Expr) else None
            exec(compile(arbre, f"{nom}[{rang}]", "exec"), espace)
            if derniere is not None:
                valeur = eval(compile(ast.Expression(derniere.value), f"{nom}[{rang}]", "eval"), espace)
                if hasattr(valeur, "_repr_markdown_"):
                    valeur._repr_markdown_()
            if rang == 0:
                exec(injection, espace)
        durees[nom] = time.perf_counter() - debut
    return {"duree_s": time.perf_counter() - debut_total, "notebooks": durees}


def noyau(projet: Path, donnees: Path) -> dict[str, Any]:
    """Démarrage d'un noyau comme en lance chaque travailleur de la construction, jusqu'à ce
    qu'il ait importé ``bilan.contexte`` (la deuxième cellule de chaque notebook)."""
    import tempfile

    from jupyter_client.manager import KernelManager

    from bilan.execution import _environnement_noyau  # le même environnement que la construction

    with tempfile.TemporaryDirectory() as dossier:
        debut = time.perf_counter()
        km = KernelManager(kernel_name="python3")
        km.start_kernel(cwd=dossier, env=_environnement_noyau(projet, donnees))
        try:
            client = km.client()
            client.start_channels()
            client.wait_for_ready(timeout=120)
            pret = time.perf_counter() - debut
            reponse = client.execute_interactive("from bilan.contexte import Contexte", timeout=120)
            duree = time.perf_counter() - debut
            client.stop_channels()
        finally:
            km.shutdown_kernel(now=True)
    if reponse["content"]["status"] != "ok":
        raise RuntimeError(f"import de bilan.contexte refusé par le noyau : {reponse['content']}")
    return {"duree_s": duree, "pret_s": pret}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sous = p.add_subparsers(dest="quoi", required=True)
    c = sous.add_parser("construire")
    c.add_argument("resultat", type=Path)
    c.add_argument("parametres", type=Path)
    c.add_argument("--racine", type=Path, required=True, help="dossier des constructions (_build)")
    c.add_argument("--moteur", default="integre")
    c.add_argument("--sans-cache", action="store_true")
    c.add_argument("--recit", type=Path, help="notebook dont modifier le récit avant une seconde construction")
    pl = sous.add_parser("plancher")
    pl.add_argument("resultat", type=Path)
    pl.add_argument("parametres", type=Path)
    pl.add_argument("notebooks", type=Path, nargs="+")
    n = sous.add_parser("noyau")
    n.add_argument("resultat", type=Path)
    n.add_argument("projet", type=Path)
    n.add_argument("donnees", type=Path)
    args = p.parse_args()

    if args.quoi == "plancher":
        sortie = plancher(args.notebooks, args.parametres.resolve())
    elif args.quoi == "noyau":
        sortie = noyau(args.projet, args.donnees)
    else:
        import bilan.construire as construction

        sortie = {"paquet": str(Path(construction.__file__).resolve().parent), "imports_s": time.perf_counter() - DEBUT}
        sortie["construction"] = construire_une_fois(construction, args.parametres, args.racine, args.moteur,
                                                     not args.sans_cache)
        if args.recit is not None and sortie["construction"]["code"] == 0:
            phrase = f"Phrase témoin de l'aperçu {time.time_ns()}."
            _ajouter_phrase(args.recit, phrase)
            sortie["apercu"] = construire_une_fois(construction, args.parametres, args.racine, args.moteur, True)
            sortie["apercu"]["phrase"] = phrase
    import bilan

    sortie["paquet"] = str(Path(bilan.__file__).resolve().parent)
    # Le maximum de ce processus seulement : celui des enfants (RUSAGE_CHILDREN) compterait la
    # mémoire de ce processus au moment de chaque lancement ; mesurer.py relève les enfants à part.
    sortie["memoire_processus_mio"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sortie["total_s"] = time.perf_counter() - DEBUT
    args.resultat.write_text(json.dumps(sortie, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if sortie.get("construction", {"code": 0})["code"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
