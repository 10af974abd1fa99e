"""Construction d'une édition : validation, notebooks (papermill), exports, rendu Quarto.

Tout se fait dans un dossier temporaire de ``_build/`` ; il ne remplace ``_build/<édition>/``
qu'une fois complet. Un échec laisse la construction précédente intacte et garde le travail
raté dans ``_build/.echec-<édition>/`` pour l'examen.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator

import yaml

from bilan import rendu
from bilan.calendrier import verifier_dates
from bilan.config import CONFIG_QUARTO, CONSTRUCTION, DONNEES, NOTEBOOKS, RACINE, STYLES
from bilan.contexte import Contexte
from bilan.donnees import charger_plan, verifier
from bilan.exports import ecrire_exports, provenance
from bilan.parametres import ParametresInvalides, lire_parametres
from bilan.validation import ERREUR

# Codes de sortie (documentés dans le README et dans --help).
OK = 0
ENTREES_INVALIDES = 1
ECHEC_NOTEBOOK = 2
QUARTO_ABSENT = 3
ECHEC_RENDU = 4


def notebooks(dossier: Path = NOTEBOOKS) -> list[Path]:
    """Les notebooks de chapitre, dans l'ordre d'exécution (préfixe numérique)."""
    return sorted(Path(dossier).glob("[0-9][0-9]_*.ipynb"))


def valider(fichier_params: str | Path, dire: Callable[[str], None] = print, *, donnees: Path = DONNEES) -> int:
    """Valide les paramètres (dates comprises dans la vie du plan) puis les données de ``donnees`` ;
    affiche tous les constats ; 0 si aucune erreur."""
    code = OK
    try:
        params = lire_parametres(fichier_params)
        verifier_dates(params, donnees)
        dire(f"Paramètres : {fichier_params} — conformes (édition {params.edition}, état au {params.date_reference.isoformat()}).")
    except ParametresInvalides as err:
        dire(f"Paramètres invalides — {err}")
        code = ENTREES_INVALIDES
        params = None
    _, constats = verifier(donnees)
    erreurs = [c for c in constats if c.niveau == ERREUR]
    for c in constats:
        dire(str(c))
    if erreurs:
        dire(f"Données : {len(erreurs)} erreur(s). Corriger les fichiers de data/ (voir data/README.md).")
        return ENTREES_INVALIDES
    dire(f"Données : conformes ({len(constats)} avertissement(s), sans erreur).")
    if params is not None:
        ctx = Contexte(params, charger_plan(donnees))
        inconnus = ctx.statuts_mesures[ctx.statuts_mesures["categorie"] == "inconnu"]["mesure"].tolist()
        inconnus_liv = int((ctx.statuts_livrables["categorie"] == "inconnu").sum())
        if inconnus or inconnus_liv:
            dire(f"Avertissement – au {params.date_reference.isoformat()}, statut inconnu pour {len(inconnus)} mesure(s)"
                 f" ({', '.join(inconnus)}) et {inconnus_liv} livrable(s) : aucun événement daté au plus tard ce jour.")
    return code


def _copier_projet_quarto(dossier: Path) -> None:
    shutil.copy2(CONFIG_QUARTO, dossier / CONFIG_QUARTO.name)
    for qmd in RACINE.glob("*.qmd"):
        shutil.copy2(qmd, dossier / qmd.name)
    if STYLES.exists():
        shutil.copytree(STYLES, dossier / STYLES.name)


@contextlib.contextmanager
def _stderr_vers(fichier: Path) -> Iterator[None]:
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


def _executer_notebooks(dossier: Path, fichier_params: Path, source: Path, dire: Callable[[str], None]) -> tuple[bool, str]:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    sortie = dossier / "notebooks"
    sortie.mkdir()
    liste = notebooks(source)
    for i, nb in enumerate(liste, start=1):
        debut = time.monotonic()
        dire(f"[{i}/{len(liste)}] {nb.name} …")
        try:
            with _stderr_vers(dossier / "journal-noyaux.txt"):
                pm.execute_notebook(
                    str(nb), str(sortie / nb.name),
                    parameters={"parametres": str(fichier_params)},
                    cwd=str(sortie), progress_bar=False, log_output=False,
                )
        except PapermillExecutionError as err:
            cellule = _cellule_source(sortie / nb.name, err.cell_index) + 1
            premiere = (err.source or "").strip().splitlines()[:1]
            return False, (f"Échec dans notebooks/{nb.name}, cellule n° {cellule}"
                           f"{' (« ' + premiere[0][:60] + ' »)' if premiere else ''} : {err.ename} : {err.evalue}")
        dire(f"      terminé en {time.monotonic() - debut:.1f} s")
    return True, ""


def _cellule_source(executee: Path, index: int) -> int:
    """Rang (0…) de la cellule dans le notebook source : papermill insère une cellule de paramètres."""
    import nbformat

    try:
        cellules = nbformat.read(executee, as_version=4).cells
    except (OSError, ValueError):
        return index
    injectees = [i for i, c in enumerate(cellules) if "injected-parameters" in c.get("metadata", {}).get("tags", [])]
    return index - sum(1 for i in injectees if i < index)


def _publier(dossier: Path, cible: Path) -> None:
    """Remplace ``cible`` par ``dossier`` : deux renommages sur le même disque, l'ancien supprimé après."""
    ancien = None
    if cible.exists():
        ancien = cible.with_name(f".ancien-{cible.name}-{int(time.time())}")
        cible.rename(ancien)
    dossier.rename(cible)
    if ancien is not None:
        shutil.rmtree(ancien, ignore_errors=True)


def _garder_echec(dossier: Path, racine: Path, edition: str) -> Path:
    echec = racine / f".echec-{edition}"
    if echec.exists():
        shutil.rmtree(echec)
    dossier.rename(echec)
    return echec


def construire(fichier_params: str | Path, racine: Path = CONSTRUCTION, rendre: bool = True,
               dire: Callable[[str], None] = print, source: Path = NOTEBOOKS, *, donnees: Path = DONNEES) -> int:
    """Construit l'édition ; renvoie un code de sortie (voir les constantes du module).

    ``donnees`` : dossier des données validées et exportées (data/ par défaut). Les notebooks
    lisent toujours data/ : un autre dossier sert aux tests, qui s'arrêtent avant eux.
    """
    if valider(fichier_params, dire=dire, donnees=donnees) != OK:
        dire("Construction arrêtée : entrées invalides.")
        return ENTREES_INVALIDES
    params = lire_parametres(fichier_params)
    ctx = Contexte(params, charger_plan(donnees))
    racine.mkdir(parents=True, exist_ok=True)
    dossier = Path(tempfile.mkdtemp(prefix=f".en-cours-{params.edition}-", dir=racine))
    try:
        _copier_projet_quarto(dossier)
        ecrire_exports(dossier / "donnees", ctx.plan, ctx.statuts_mesures, ctx.statuts_livrables)
        (dossier / "_variables.yml").write_text(
            "# Valeurs calculées pour {{< var … >}} ; produit par python -m bilan construire\n"
            + yaml.safe_dump(ctx.variables, allow_unicode=True, sort_keys=False), encoding="utf-8")
        dire(f"Exécution des notebooks pour l'édition {params.edition} (état au {params.date_reference.isoformat()}) :")
        reussi, message = _executer_notebooks(dossier, params.fichier, source, dire)
        if not reussi:
            echec = _garder_echec(dossier, racine, params.edition)
            dire(message)
            dire(f"Construction arrêtée ; la précédente est intacte. Notebooks exécutés jusqu'à l'échec : {echec}")
            return ECHEC_NOTEBOOK
        version = rendu.version_quarto() if rendu.quarto_disponible() else None
        (dossier / "provenance.yml").write_text(
            yaml.safe_dump(provenance(params.fichier, version), allow_unicode=True, sort_keys=False), encoding="utf-8")
        if not rendre:
            _publier(dossier, racine / params.edition)
            dire(f"Notebooks et exports publiés dans {racine / params.edition} (rendu Quarto non demandé).")
            return OK
        if version is None:
            _publier(dossier, racine / params.edition)
            dire(f"Notebooks exécutés et exports écrits dans {racine / params.edition}.")
            dire(rendu.MESSAGE_INSTALLATION)
            return QUARTO_ABSENT
        if not rendu.version_compatible(version):
            dire(f"Avertissement – Quarto {version} détecté ; ce projet est vérifié avec Quarto {rendu.VERSION_QUARTO}.x.")
        rendu.ecrire_config_edition(dossier, {
            "titre": params["plan"]["titre"],
            "sous_titre": f"{params['plan']['sous_titre']} — {params['rapport']['titre']}",
            "auteur": params["editeur"]["ministere"],
            "date": f"Déposé à l'Assemblée nationale en {ctx.variables['depot']}",
            "langue": "fr",
        })
        dire("Rendu Quarto (HTML et PDF) …")
        proc = subprocess.run(rendu.commande_quarto(dossier), cwd=dossier, capture_output=True, text=True)
        if proc.returncode != 0:
            echec = _garder_echec(dossier, racine, params.edition)
            dire(f"Échec du rendu Quarto (code {proc.returncode}) :\n{proc.stderr[-4000:]}")
            dire(f"Construction arrêtée ; la précédente est intacte. Dossier de travail : {echec}")
            return ECHEC_RENDU
        rendu_dir = rendu.dossier_sortie(dossier)
        rendu_dir.rename(dossier / "rapport")
        shutil.rmtree(dossier / ".quarto", ignore_errors=True)
        _publier(dossier, racine / params.edition)
        dire(f"Rapport publié dans {racine / params.edition / 'rapport'}.")
        return OK
    except BaseException:
        if dossier.exists():
            _garder_echec(dossier, racine, params.edition)
        raise
    finally:
        sys.stdout.flush()
