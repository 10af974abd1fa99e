"""Exécution des notebooks par papermill : en parallèle, et seulement ce qui a changé.

**Parallèle.** Le coût d'un notebook est surtout celui d'un noyau Jupyter qui démarre et
importe pandas et matplotlib. Chaque travailleur (un fil d'exécution, au plus un par cœur)
démarre UN noyau et y fait exécuter, par papermill, les notebooks qui lui reviennent, l'un
après l'autre (papermill accepte un noyau déjà démarré : argument ``km`` transmis à nbclient,
qui ne l'arrête pas puisqu'il ne l'a pas créé). Chaque notebook garde sa cellule de paramètres
et son contexte : rien ne passe d'un notebook à l'autre que ce que le paquet garde en mémoire
(les données validées, voir ``Contexte.charger``). L'ordre du livre, lui, ne dépend pas de
l'ordre d'exécution.

**Rien de réexécuté qui n'a pas changé.** Un notebook exécuté est gardé dans le cache
(``_build/.cache/notebooks/``), sous une clé qui couvre tout ce dont ses sorties dépendent :
le texte de ses cellules de code (dans l'ordre), le fichier de paramètres, chaque fichier de
``data/``, chaque fichier du paquet ``bilan`` et ``styles/statuts.yml`` (couleurs des figures),
les versions de Python et des bibliothèques qui calculent ou dessinent. Les cellules de texte
(le récit des rédacteurs) n'y entrent pas : quand seul le récit change, le notebook n'est pas
réexécuté ; ses sorties sont reprises du cache et son récit, du notebook source. ``force``
réexécute tout. Pour chaque notebook, seule la dernière entrée est gardée.

Les noyaux importent ``bilan`` et lisent ``data/`` depuis le dossier du projet construit
(``PYTHONPATH``), même si l'environnement Python a installé le paquet d'un autre dossier.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import os
import platform
import queue
import re
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

# nbformat importe jsonschema, qui importe à son tour rfc3987_syntax s'il est installé (il l'est :
# jupyter → jupyter-events → jsonschema[format-nongpl]). Ce module compile 38 grammaires lark à
# l'import : 1,1 s à chaque commande (le quart d'une reconstruction après une retouche du récit),
# pour le format « iri », que le schéma des notebooks n'emploie pas et que nbformat ne vérifie
# pas (aucun vérificateur de formats). Le marquer absent (None dans sys.modules : l'import
# échoue, ce que jsonschema prévoit) ne change donc rien ; sans effet s'il est déjà importé.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

import nbformat  # noqa: E402

#: Bibliothèques dont la version change ce que les notebooks calculent ou dessinent.
BIBLIOTHEQUES = ("pandas", "pandera", "numpy", "matplotlib", "babel", "pyyaml", "ipykernel", "papermill", "nbformat")

#: Version du format des entrées du cache (à changer si leur contenu change).
VERSION_CACHE = "1"

_FIGURE = re.compile(r"\]\((figures/[^()\s]+)\)")


class EchecNotebook(RuntimeError):
    """Un notebook a échoué ; le message nomme le notebook, la cellule et l'erreur."""


@dataclass
class Resultat:
    """Le sort d'un notebook dans une construction."""

    nom: str
    duree: float
    repris: bool  # sorties reprises du cache, sans exécution
    cle: str = ""


@dataclass
class Execution:
    """Ce qu'il faut pour exécuter les notebooks d'une édition."""

    sources: Sequence[Path]
    sortie: Path  # dossier des notebooks exécutés (leurs figures dans sortie/figures)
    fichier_params: Path
    projet: Path  # racine du projet construit (bilan/, data/, styles/)
    donnees: Path
    journal: Path  # sortie d'erreur des noyaux
    cache: Path | None = None
    force: bool = False
    travailleurs: int | None = None
    dire: Callable[[str], None] = print
    resultats: list[Resultat] = field(default_factory=list)


# --- Clé de cache ------------------------------------------------------------------------------


def _empreinte_fichiers(fichiers: Sequence[Path], base: Path) -> list[tuple[str, str]]:
    return [(str(f.relative_to(base)), hashlib.sha256(f.read_bytes()).hexdigest()) for f in sorted(fichiers)]


def empreinte_commune(fichier_params: Path, projet: Path, donnees: Path) -> str:
    """Ce dont dépendent tous les notebooks : paramètres, données, paquet, versions."""
    paquet = [p for p in (projet / "bilan").rglob("*.py")]
    styles = [p for p in [projet / "styles" / "statuts.yml"] if p.exists()]
    versions = {"python": platform.python_version(), "cache": VERSION_CACHE}
    for nom in BIBLIOTHEQUES:
        try:
            versions[nom] = metadata.version(nom)
        except metadata.PackageNotFoundError:
            versions[nom] = "absent"
    contenu = {
        "parametres": hashlib.sha256(Path(fichier_params).read_bytes()).hexdigest(),
        "donnees": _empreinte_fichiers([p for p in Path(donnees).iterdir() if p.is_file()], Path(donnees)),
        "paquet": _empreinte_fichiers(paquet, projet),
        "styles": _empreinte_fichiers(styles, projet),
        "versions": versions,
    }
    return hashlib.sha256(json.dumps(contenu, sort_keys=True).encode()).hexdigest()


def cle_notebook(source: nbformat.NotebookNode, commune: str) -> str:
    """Clé d'un notebook : ses cellules de code (texte, ordre) et l'empreinte commune."""
    code = [c.source for c in source.cells if c.cell_type == "code"]
    noyau = source.metadata.get("kernelspec", {}).get("name", "")
    contenu = json.dumps({"code": code, "noyau": noyau, "commune": commune}, sort_keys=True)
    return hashlib.sha256(contenu.encode()).hexdigest()


# --- Cache -----------------------------------------------------------------------------------------


def _entree(cache: Path, nom: str, cle: str) -> Path:
    return cache / f"{nom}-{cle[:20]}"


def figures_du_notebook(nb: nbformat.NotebookNode) -> list[str]:
    """Les figures (``figures/x.svg``) que citent les sorties Markdown d'un notebook exécuté."""
    trouvees: list[str] = []
    for c in nb.cells:
        for sortie in c.get("outputs", []):
            texte = sortie.get("data", {}).get("text/markdown", "")
            texte = "".join(texte) if isinstance(texte, list) else texte
            trouvees += _FIGURE.findall(texte)
    return list(dict.fromkeys(trouvees))


def mettre_en_cache(cache: Path, nom: str, cle: str, executee: Path, dossier_figures: Path) -> None:
    """Garde le notebook exécuté et ses figures ; retire les entrées plus anciennes du même notebook."""
    cache.mkdir(parents=True, exist_ok=True)
    cible = _entree(cache, nom, cle)
    temporaire = cache / f".{cible.name}-{os.getpid()}-{threading.get_ident()}"
    if temporaire.exists():
        shutil.rmtree(temporaire)
    (temporaire / "figures").mkdir(parents=True)
    shutil.copy2(executee, temporaire / "notebook.ipynb")
    nb = nbformat.read(executee, as_version=4)
    for relatif in figures_du_notebook(nb):
        fichier = dossier_figures.parent / relatif
        if fichier.exists():
            shutil.copy2(fichier, temporaire / relatif)
    for ancienne in cache.glob(f"{nom}-*"):
        if ancienne != cible:
            shutil.rmtree(ancienne, ignore_errors=True)
    if cible.exists():
        shutil.rmtree(cible)
    temporaire.rename(cible)


def reprendre(cache: Path, nom: str, cle: str, source: nbformat.NotebookNode, sortie: Path) -> bool:
    """Écrit le notebook exécuté à partir du cache : sorties du cache, récit de la source.

    Renvoie ``False`` si l'entrée manque ou ne correspond pas cellule pour cellule.
    """
    entree = _entree(cache, nom, cle)
    fichier = entree / "notebook.ipynb"
    if not fichier.exists():
        return False
    gardee = nbformat.read(fichier, as_version=4)
    injectees = [c for c in gardee.cells if "injected-parameters" in c.metadata.get("tags", [])]
    code_garde = iter([c for c in gardee.cells if c.cell_type == "code" and c not in injectees])
    cellules = []
    for cellule in source.cells:
        if cellule.cell_type != "code":
            cellules.append(copy.deepcopy(cellule))
            continue
        executee = next(code_garde, None)
        if executee is None or executee.source != cellule.source:
            return False
        executee = copy.deepcopy(executee)
        executee.id = cellule.get("id", executee.get("id"))
        cellules.append(executee)
        if "parameters" in cellule.metadata.get("tags", []):
            cellules += [copy.deepcopy(c) for c in injectees]
    nb = copy.deepcopy(gardee)
    nb.cells = cellules
    nbformat.write(nb, sortie / f"{nom}.ipynb")
    for figure in (entree / "figures").glob("*"):
        shutil.copy2(figure, sortie / "figures" / figure.name)
    return True


# --- Exécution ------------------------------------------------------------------------------------


@contextlib.contextmanager
def stderr_vers(fichier: Path) -> Iterator[None]:
    """Envoie la sortie d'erreur des noyaux Jupyter (descripteur 2, hérité) dans un journal.

    ipykernel y écrit des avertissements de transport à chaque démarrage, qui noieraient la
    progression ; papermill n'offre pas de réglage pour ce flux, d'où la redirection ici.
    """
    sys.stderr.flush()
    sauvegarde = os.dup(2)
    with fichier.open("ab") as journal:
        os.dup2(journal.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(sauvegarde, 2)
            os.close(sauvegarde)


def _cellule_source(executee: Path, index: int) -> int:
    """Rang (0…) de la cellule dans le notebook source : papermill insère une cellule de paramètres."""
    try:
        cellules = nbformat.read(executee, as_version=4).cells
    except (OSError, ValueError):
        return index
    injectees = [i for i, c in enumerate(cellules) if "injected-parameters" in c.get("metadata", {}).get("tags", [])]
    return index - sum(1 for i in injectees if i < index)


def normaliser(chemin: Path, source: Path, projet: Path) -> None:
    """Retire d'un notebook exécuté ce qui change d'une exécution à l'autre sans rien dire du
    contenu : horodatages et durées de papermill et de nbclient, chemins du dossier temporaire,
    identifiant aléatoire de la cellule de paramètres injectée, compteurs d'exécution d'un noyau
    partagé.
    La date de la construction est dans ``provenance.yml``, et là seulement."""
    nb = nbformat.read(chemin, as_version=4)
    pm = nb.metadata.get("papermill", {})
    for cle in ("start_time", "end_time", "duration"):
        pm.pop(cle, None)
    if "input_path" in pm:
        pm["input_path"] = f"notebooks/{source.name}"
    if "output_path" in pm:
        pm["output_path"] = f"notebooks/{source.name}"
    if "parameters" in pm and "parametres" in pm["parameters"]:
        pm["parameters"]["parametres"] = _relatif(pm["parameters"]["parametres"], projet)
    # Un noyau sert à plusieurs notebooks : ses compteurs d'exécution continuent d'un notebook à
    # l'autre, selon le travailleur qui l'a pris. Ils sont renumérotés 1, 2, … dans chaque
    # notebook, comme s'il avait eu son propre noyau.
    compteur = 0
    for cellule in nb.cells:
        if cellule.cell_type == "code" and cellule.get("execution_count") is not None:
            compteur += 1
            cellule.execution_count = compteur
            for sortie in cellule.get("outputs", []):
                if "execution_count" in sortie:
                    sortie["execution_count"] = compteur
    for cellule in nb.cells:
        # État d'exécution par cellule (papermill, nbclient) : horodatages, et rien que le
        # notebook réussi ne dise déjà ; une cellule sans étiquette reçoit « tags: [] » de
        # papermill. Retirés, pour qu'une cellule reprise du cache soit celle d'une exécution.
        cellule.metadata.pop("execution", None)
        cellule.metadata.pop("papermill", None)
        if cellule.metadata.get("tags") == []:
            del cellule.metadata["tags"]
        if "injected-parameters" in cellule.metadata.get("tags", []):
            cellule.id = "parametres-injectes"  # papermill lui donne un identifiant aléatoire
            cellule.source = re.sub(r'parametres = "([^"]*)"',
                                    lambda m: f'parametres = "{_relatif(m.group(1), projet)}"', cellule.source)
    nbformat.write(nb, chemin)


def _relatif(chemin: str, projet: Path) -> str:
    p = Path(chemin)
    try:
        return str(p.resolve().relative_to(projet.resolve()))
    except ValueError:
        return chemin


def _environnement_noyau(projet: Path, donnees: Path) -> dict[str, str]:
    """Environnement des noyaux : le paquet ``bilan`` et les données du projet construit."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(projet), *filter(None, [os.environ.get("PYTHONPATH")])])
    env["BILAN_DONNEES"] = str(Path(donnees).resolve())
    env.setdefault("MPLBACKEND", "Agg")
    return env


def _noyau_a_client_unique() -> Any:
    """Un gestionnaire de noyau dont le client sert à tous les notebooks du travailleur.

    nbclient crée un client par notebook et attend qu'il soit prêt ; jupyter_client vide alors
    le canal iopub en attendant qu'il se taise 0,2 s : 0,2 s perdues par notebook (2,6 s pour
    les 13 chapitres, 1,3 s de l'étape sur deux noyaux), et un client laissé ouvert (nbclient ne
    ferme pas celui d'un noyau qu'il n'a pas démarré). Ici le client est ouvert et attendu une
    fois ; les notebooks suivants le reçoivent prêt. nbclient ne lit que les réponses à ses
    propres requêtes (identifiant parent) : un message d'un notebook précédent ne peut pas se
    mêler aux sorties du suivant.
    """
    from jupyter_client.manager import KernelManager

    class NoyauAClientUnique(KernelManager):
        client_unique: Any = None

        def client(self, **kwargs: Any) -> Any:
            if self.client_unique is None:
                client = super().client(**kwargs)
                client.start_channels()
                client.wait_for_ready(timeout=60)  # délai de démarrage de nbclient
                # nbclient les rappelle à chaque notebook : le client est déjà ouvert et prêt.
                client.start_channels = lambda *args, **kwargs: None
                client.wait_for_ready = lambda *args, **kwargs: None
                self.client_unique = client
            return self.client_unique

    return NoyauAClientUnique(kernel_name="python3")


def _travailleur(execution: Execution, file: "queue.Queue[Path]", erreurs: list[str], resultats: list[Resultat],
                 cles: dict[str, str], verrou: threading.Lock) -> None:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    km: Any = None
    try:
        while not erreurs:
            try:
                source = file.get_nowait()
            except queue.Empty:
                return
            if km is None:
                km = _noyau_a_client_unique()
                km.start_kernel(cwd=str(execution.sortie), env=_environnement_noyau(execution.projet, execution.donnees))
            debut = time.monotonic()
            cible = execution.sortie / source.name
            try:
                pm.execute_notebook(
                    str(source), str(cible),
                    parameters={"parametres": str(execution.fichier_params)},
                    km=km, progress_bar=False, log_output=False,
                    # Écrit une fois, à la fin ou à l'échec (la cellule fautive y est), et non deux
                    # fois par cellule : un chapitre de 30 cellules s'exécutait 0,2 s plus lentement.
                    request_save_on_cell_execute=False,
                )
            except PapermillExecutionError as err:
                cellule = _cellule_source(cible, err.cell_index) + 1
                premiere = (err.source or "").strip().splitlines()[:1]
                with verrou:
                    erreurs.append(f"Échec dans notebooks/{source.name}, cellule n° {cellule}"
                                   f"{' (« ' + premiere[0][:60] + ' »)' if premiere else ''} : {err.ename} : {err.evalue}")
                return
            normaliser(cible, source, execution.projet)
            if execution.cache is not None:
                mettre_en_cache(execution.cache, source.stem, cles[source.stem], cible, execution.sortie / "figures")
            duree = time.monotonic() - debut
            with verrou:
                resultats.append(Resultat(source.stem, duree, False, cles[source.stem]))
                execution.dire(f"      {source.name} exécuté en {duree:.1f} s")
    except Exception as err:  # noyau qui ne démarre pas, disque plein… : nommé, pas avalé
        with verrou:
            erreurs.append(f"Échec de l'exécution des notebooks : {type(err).__name__} : {err}")
    finally:
        if km is not None:
            if km.client_unique is not None:
                with contextlib.suppress(Exception):
                    km.client_unique.stop_channels()
            with contextlib.suppress(Exception):
                km.shutdown_kernel(now=True)


def nombre_de_travailleurs(demande: int | None, a_executer: int) -> int:
    """Au plus un travailleur par cœur disponible (ou ``demande``), et pas plus que de notebooks."""
    coeurs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(demande or coeurs, a_executer))


def executer(execution: Execution) -> list[Resultat]:
    """Exécute (ou reprend du cache) chaque notebook ; lève :class:`EchecNotebook` au premier échec."""
    sortie = execution.sortie
    (sortie / "figures").mkdir(parents=True, exist_ok=True)
    commune = empreinte_commune(execution.fichier_params, execution.projet, execution.donnees)
    cles: dict[str, str] = {}
    a_executer: list[Path] = []
    resultats: list[Resultat] = []
    for source in execution.sources:
        nb = nbformat.read(source, as_version=4)
        cles[source.stem] = cle_notebook(nb, commune)
        debut = time.monotonic()
        if (execution.cache is not None and not execution.force
                and reprendre(execution.cache, source.stem, cles[source.stem], nb, sortie)):
            resultats.append(Resultat(source.stem, time.monotonic() - debut, True, cles[source.stem]))
            execution.dire(f"      {source.name} : inchangé (code, paramètres, données, paquet), sorties reprises")
        else:
            a_executer.append(source)
    if a_executer:
        n = nombre_de_travailleurs(execution.travailleurs, len(a_executer))
        execution.dire(f"      {len(a_executer)} notebook(s) à exécuter, {n} noyau(x) en parallèle")
        file: queue.Queue[Path] = queue.Queue()
        for source in a_executer:
            file.put(source)
        erreurs: list[str] = []
        verrou = threading.Lock()
        with stderr_vers(execution.journal):
            fils = [threading.Thread(target=_travailleur, args=(execution, file, erreurs, resultats, cles, verrou),
                                     name=f"noyau-{i + 1}") for i in range(n)]
            for f in fils:
                f.start()
            for f in fils:
                f.join()
        if erreurs:
            raise EchecNotebook(erreurs[0])
    ordre = {s.stem: i for i, s in enumerate(execution.sources)}
    execution.resultats = sorted(resultats, key=lambda r: ordre[r.nom])
    return execution.resultats
