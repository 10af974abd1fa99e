"""Construction d'une édition : validation, notebooks (papermill), livre Markdown, rendu, publication.

Déroulement (``construire``) :

1. valider les paramètres et les données (tous les constats affichés ; arrêt si erreur) ;
2. prendre le verrou de l'édition (deux constructions simultanées d'une même édition : la
   seconde s'arrête avec un message) et retirer les dossiers de travail laissés par une
   construction interrompue ;
3. dans un dossier de travail de ``_build/`` : exports en données ouvertes et ``_variables.yml`` ;
4. notebooks exécutés par papermill, en parallèle, repris du cache quand rien de ce qu'ils
   calculent n'a changé (``bilan.execution``) ;
5. livre Markdown (``bilan.assemblage``), source unique des deux moteurs ;
6. rendu HTML et PDF : Quarto s'il est installé, sinon le moteur intégré (Pandoc et Typst,
   ``bilan.integre``) ; ``moteur`` force l'un ou l'autre ;
7. ``provenance.yml`` ;
8. publication dans ``_build/<édition>/`` **d'un coup** : le dossier complet remplace le
   précédent par renommage. Un échec laisse la construction précédente intacte et garde le
   travail raté dans ``_build/.echec-<édition>/``.

Ne sont publiés que les fichiers listés dans le README (``notebooks/``, ``donnees/``,
``_variables.yml``, ``provenance.yml``, ``rapport/``) ; le livre Markdown, les fichiers de
Quarto et le journal des noyaux restent dans le dossier de travail, supprimé après publication.
Les dossiers publiés ont les droits que donne l'umask de l'utilisateur, comme tout fichier créé.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import yaml

from bilan import francais, integre, rendu
from bilan.assemblage import AssemblageImpossible, ajouter_notes, assembler_dossier, ecrire_livre
from bilan.calendrier import verifier_dates
from bilan.config import CONSTRUCTION, DONNEES, NOTEBOOKS, RACINE, etat_git, source_date_epoch
from bilan.contexte import Contexte, plan_valide
from bilan.execution import EchecNotebook, Execution, executer
from bilan.markdown import texte
from bilan.exports import ecrire_exports, provenance
from bilan.parametres import Parametres, ParametresInvalides, lire_parametres
from bilan.relecture import chapitres_a_revoir, note_de_relecture
from bilan.validation import ERREUR, DonneesInvalides

# Codes de sortie (documentés dans le README et dans --help).
OK = 0
ENTREES_INVALIDES = 1
ECHEC_NOTEBOOK = 2
QUARTO_ABSENT = 3
ECHEC_RENDU = 4
CONSTRUCTION_EN_COURS = 5

#: Moteurs de rendu : « auto » (Quarto s'il est là, sinon le moteur intégré), « quarto », « integre ».
MOTEURS = ("auto", "quarto", "integre")

#: Ce que contient une construction publiée (README, « Ce que produit une construction »).
PUBLIES = ("notebooks", "donnees", "_variables.yml", "provenance.yml", "rapport")


def notebooks(dossier: Path = NOTEBOOKS) -> list[Path]:
    """Les notebooks de chapitre, dans l'ordre d'exécution (préfixe numérique)."""
    return sorted(Path(dossier).glob("[0-9][0-9]_*.ipynb"))


def valider(fichier_params: str | Path, dire: Callable[[str], None] = print, *, donnees: Path = DONNEES,
            source: Path = NOTEBOOKS) -> int:
    """Valide les paramètres (dates comprises dans la vie du plan) puis les données de ``donnees``,
    et relève le récit à revoir pour l'édition (``bilan.relecture``) ; affiche tous les constats ;
    0 si aucune erreur. Une version finale dont un chapitre n'est pas révisé pour l'édition est
    refusée ; une version de travail se construit et le dit."""
    code = OK
    try:
        params = lire_parametres(fichier_params)
        verifier_dates(params, donnees)
        dire(f"Paramètres : {fichier_params} — conformes (édition {params.edition}, état au {params.date_reference.isoformat()}).")
        for avertissement in params.avertissements:  # valeurs « À PRÉCISER » d'un brouillon
            dire(avertissement)
    except ParametresInvalides as err:
        dire(f"Paramètres invalides — {err}")
        code = ENTREES_INVALIDES
        params = None
    try:  # données validées une seule fois par construction : le plan est gardé (plan_valide)
        constats = list(plan_valide(donnees).avertissements)
    except DonneesInvalides as err:
        constats = err.constats
    erreurs = [c for c in constats if c.niveau == ERREUR]
    for c in constats:
        dire(str(c))
    if erreurs:
        dire(f"Données : {len(erreurs)} erreur(s). Corriger les fichiers de data/ (voir data/README.md).")
        return ENTREES_INVALIDES
    dire(f"Données : conformes ({len(constats)} avertissement(s), sans erreur).")
    if params is not None:
        ctx = Contexte(params, plan_valide(donnees))
        inconnus = ctx.statuts_mesures[ctx.statuts_mesures["categorie"] == "inconnu"]["mesure"].tolist()
        inconnus_liv = int((ctx.statuts_livrables["categorie"] == "inconnu").sum())
        if inconnus or inconnus_liv:
            dire(f"Avertissement – au {params.date_reference.isoformat()}, statut inconnu pour {len(inconnus)} mesure(s)"
                 f" ({', '.join(inconnus)}) et {inconnus_liv} livrable(s) : aucun événement daté au plus tard ce jour.")
        dernier = statut_le_plus_recent(ctx.plan)
        if dernier is not None and dernier < params.date_reference:
            dire(f"Avertissement – aucun statut n'est daté après le {dernier.isoformat()} : les statuts au "
                 f"{params.date_reference.isoformat()} sont ceux de cette date (ajouter les statuts de l'édition "
                 "avec « python -m bilan collecte », voir le README).")
        code = max(code, _verifier_recit(params, source, dire))
    return code


def statut_le_plus_recent(plan) -> dt.date | None:
    """La date du dernier événement de statut (mesures et livrables), ou None s'il n'y en a pas."""
    dates = list(plan.statuts_mesures["date"]) + list(plan.statuts_livrables["date"])
    return max(dates) if dates else None


def _verifier_recit(params: Parametres, source: Path, dire: Callable[[str], None]) -> int:
    """Le récit saisi des chapitres non révisés pour l'édition : avertissement pour une version
    de travail, erreur pour une version finale (bilan.relecture)."""
    a_revoir = chapitres_a_revoir(notebooks(source), params.edition)
    if not a_revoir:
        return OK
    niveau = "Avertissement" if params.brouillon else "ERREUR"
    dire(f"{niveau} – récit à revoir pour l'édition {params.edition} dans {len(a_revoir)} chapitre(s) "
         "(métadonnée bilan.revise_pour des notebooks) :")
    for chapitre in a_revoir:
        dire("  " + chapitre.decrire(params.edition).replace("\n", "\n  "))
    if params.brouillon:
        fichier = params.fichier.relative_to(RACINE) if params.fichier.is_relative_to(RACINE) else params.fichier
        dire("  Version de travail : une note de relecture ouvre chacun de ces chapitres. Une fois le récit revu : "
             f"python -m bilan relecture {fichier} --marquer NOTEBOOK")
        return OK
    dire("  Version finale refusée : revoir ces chapitres, puis les marquer révisés "
         "(python -m bilan relecture PARAMS --marquer NOTEBOOK), ou remettre « etat: brouillon ».")
    return ENTREES_INVALIDES


# --- Verrou, dossiers de travail, publication -------------------------------------------------


class ConstructionEnCours(RuntimeError):
    """Une autre construction de la même édition tient le verrou."""


@contextlib.contextmanager
def verrou(racine: Path, edition: str) -> Iterator[Path]:
    """Verrou exclusif d'une édition (``_build/.verrou-<édition>``), relâché même en cas d'échec.

    ``fcntl.flock`` : le système le relâche si le processus meurt ; un verrou orphelin ne peut
    donc pas bloquer la construction suivante.
    """
    racine.mkdir(parents=True, exist_ok=True)
    fichier = racine / f".verrou-{edition}"
    with fichier.open("a+") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConstructionEnCours(
                f"Une construction de l'édition {edition} est déjà en cours (verrou {fichier}). "
                "Attendre qu'elle finisse, puis relancer.") from None
        try:
            yield fichier
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def nettoyer_restes(racine: Path, edition: str, dire: Callable[[str], None]) -> None:
    """Retire les dossiers de travail d'une construction interrompue (verrou déjà pris : aucune
    autre construction de l'édition ne peut les utiliser)."""
    for reste in sorted(racine.glob(f".en-cours-{edition}-*")) + sorted(racine.glob(f".ancien-{edition}-*")):
        shutil.rmtree(reste, ignore_errors=True)
        dire(f"Dossier de travail d'une construction interrompue retiré : {reste.name}")


def _dossier_de_travail(racine: Path, edition: str) -> Path:
    """Dossier temporaire de ``racine``, avec les droits que donne l'umask (mkdtemp crée en 0700)."""
    dossier = Path(tempfile.mkdtemp(prefix=f".en-cours-{edition}-", dir=racine))
    masque = os.umask(0)
    os.umask(masque)
    dossier.chmod(0o777 & ~masque)
    return dossier


#: Dossiers d'une construction publiée que la construction suivante garde : les classeurs de la
#: collecte des statuts et les fichiers de relecture (bilan.collecte) ne sont pas reconstruits.
GARDES = ("collecte",)


def _publier(dossier: Path, cible: Path) -> None:
    """Remplace ``cible`` par ``dossier`` : deux renommages sur le même disque, l'ancien supprimé
    après. Les dossiers de ``GARDES`` de la construction précédente passent dans la nouvelle."""
    for garde in GARDES:
        if (cible / garde).is_dir() and not (dossier / garde).exists():
            shutil.copytree(cible / garde, dossier / garde, symlinks=True)
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


# --- Reproductibilité ---------------------------------------------------------------------------


def horodatage_reproductible() -> int | None:
    """``SOURCE_DATE_EPOCH`` s'il est donné, sinon la date du dernier commit (convention des
    constructions reproductibles) ; ``None`` hors d'un dépôt git. Sert de date aux PDF."""
    if (epoch := source_date_epoch()) is not None:
        return epoch
    try:
        proc = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=RACINE, capture_output=True, text=True, check=True)
        return int(proc.stdout.strip())
    except (OSError, subprocess.CalledProcessError, ValueError):
        return None


@contextlib.contextmanager
def _environnement(**valeurs: str) -> Iterator[None]:
    anciennes = {k: os.environ.get(k) for k in valeurs}
    os.environ.update(valeurs)
    try:
        yield
    finally:
        for k, v in anciennes.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# --- Métadonnées de l'édition, pour les deux moteurs ---------------------------------------------


def metadonnees(params: Parametres, ctx: Contexte) -> integre.Metadonnees:
    """Titre, sous-titre, auteur, mois de dépôt, bandeau d'une version de travail : ce que les
    deux moteurs affichent autour du livre."""
    p = params
    # Les deux moteurs lisent les métadonnées en Markdown : le texte des paramètres y est échappé
    # comme tout texte des données (bilan.markdown).
    return integre.Metadonnees(
        titre=texte(p["plan"]["titre"]),
        sous_titre=texte(f"{p['plan']['sous_titre']} — {p['rapport']['titre']}"),
        auteur=texte(p["editeur"]["ministere"]),
        mois_depot=params.mois_depot,
        langue="fr-CA",
        brouillon=bandeau_brouillon(params, ctx) if params.brouillon else None,
    )


def bandeau_brouillon(params: Parametres, ctx: Contexte) -> str:
    """« VERSION DE TRAVAIL – construite le 29 novembre 2026 – commit 1a2b3c4 » : sur chaque page
    d'une version de travail. La date est celle de ``SOURCE_DATE_EPOCH`` s'il est donné (deux
    constructions du même commit donnent alors les mêmes fichiers), sinon le jour de la
    construction. Si aucun statut n'est daté après une date antérieure à la date de référence,
    le bandeau le dit aussi : les statuts montrés sont ceux de cette date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    jour = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date() if epoch.isdigit() else dt.date.today()
    texte = f"VERSION DE TRAVAIL – construite le {francais.date_longue(jour)} – {_commit_court()}"
    dernier = statut_le_plus_recent(ctx.plan)
    if dernier is not None and dernier < params.date_reference:
        texte += f" – aucun statut daté après le {francais.date_longue(dernier)}"
    return texte


def _commit_court() -> str:
    etat = etat_git(court=True)
    if etat is None:
        return "hors d'un dépôt git"
    sha, modifie = etat
    return f"commit {sha}" + (" (avec modifications non versionnées)" if modifie else "")


# --- Construction ---------------------------------------------------------------------------------


def choisir_moteur(moteur: str) -> tuple[str, str | None]:
    """(« quarto » ou « integre », version de Quarto ou None) selon la demande et ce qui est installé."""
    if moteur not in MOTEURS:
        raise ValueError(f"Moteur inconnu « {moteur} » : {', '.join(MOTEURS)}.")
    version = rendu.version_quarto() if moteur in ("auto", "quarto") and rendu.quarto_disponible() else None
    if moteur == "integre" or (moteur == "auto" and version is None):
        return "integre", None
    return "quarto", version


def construire(fichier_params: str | Path, racine: Path = CONSTRUCTION, rendre: bool = True,
               dire: Callable[[str], None] = print, source: Path = NOTEBOOKS, *, donnees: Path = DONNEES,
               moteur: str = "auto", force: bool = False, travailleurs: int | None = None,
               cache: bool = True) -> int:
    """Construit l'édition ; renvoie un code de sortie (voir les constantes du module).

    ``donnees`` : dossier des données (data/ par défaut), lu aussi par les noyaux des notebooks
    (variable d'environnement BILAN_DONNEES, voir bilan.config).
    """
    if valider(fichier_params, dire=dire, donnees=donnees, source=source) != OK:
        dire("Construction arrêtée : entrées invalides.")
        return ENTREES_INVALIDES
    params = lire_parametres(fichier_params)
    racine = Path(racine)
    try:
        with verrou(racine, params.edition):
            nettoyer_restes(racine, params.edition, dire)
            return _construire(params, racine, rendre, dire, Path(source), Path(donnees), moteur, force, travailleurs, cache)
    except ConstructionEnCours as err:
        dire(str(err))
        return CONSTRUCTION_EN_COURS


def _construire(params: Parametres, racine: Path, rendre: bool, dire: Callable[[str], None], source: Path,
                donnees: Path, moteur: str, force: bool, travailleurs: int | None, cache: bool) -> int:
    ctx = Contexte(params, plan_valide(donnees))
    dossier = _dossier_de_travail(racine, params.edition)
    publie, travail = dossier / "publie", dossier / "travail"
    publie.mkdir()
    travail.mkdir()
    try:
        ecrire_exports(publie / "donnees", ctx.plan, ctx.statuts_mesures, ctx.statuts_livrables, parametres=params)
        (publie / "_variables.yml").write_text(
            "# Valeurs calculées pour {{< var … >}} ; produit par python -m bilan construire\n"
            + yaml.safe_dump(ctx.variables, allow_unicode=True, sort_keys=False), encoding="utf-8")
        dire(f"Exécution des notebooks pour l'édition {params.edition} (état au {params.date_reference.isoformat()}) :")
        sources = notebooks(source)
        execution = Execution(
            sources=sources, sortie=publie / "notebooks", fichier_params=params.fichier, projet=RACINE,
            donnees=donnees, journal=travail / "journal-noyaux.txt",
            cache=(racine / ".cache" / "notebooks") if cache else None, force=force,
            travailleurs=travailleurs, dire=dire)
        try:
            executer(execution)
        except EchecNotebook as err:
            dire(str(err))
            echec = _garder_echec(dossier, racine, params.edition)
            dire(f"Construction arrêtée ; la précédente est intacte. Notebooks exécutés jusqu'à l'échec : {echec / 'publie' / 'notebooks'}")
            return ECHEC_NOTEBOOK

        livre = assembler_dossier(publie / "notebooks", ctx.variables, [s.stem for s in sources])
        if params.brouillon:
            notes = {c.nom: note_de_relecture(c, params.edition) for c in chapitres_a_revoir(sources, params.edition)}
            livre = ajouter_notes(livre, notes)
        dossier_livre = travail / "livre"
        ecrire_livre(livre, dossier_livre, publie / "notebooks" / "figures")
        chapitres = [c.nom for c in livre.chapitres]

        code = OK
        choisi, version = choisir_moteur(moteur) if rendre else ("aucun", None)
        if rendre and moteur == "quarto" and version is None:
            dire(rendu.MESSAGE_INSTALLATION)
            code = QUARTO_ABSENT
        elif choisi == "quarto":
            if not rendu.version_compatible(version or ""):
                dire(f"Avertissement – Quarto {version} détecté ; ce projet est vérifié avec Quarto {rendu.VERSION_QUARTO}.x.")
            dire(f"Rendu HTML, PDF et Word par Quarto {version} …")
            epoch = horodatage_reproductible()
            with _environnement(**({"SOURCE_DATE_EPOCH": str(epoch)} if epoch is not None else {})):
                rendu.preparer_livre(dossier_livre, chapitres, metadonnees(params, ctx))
                proc = subprocess.run(rendu.commande_quarto(dossier_livre), cwd=dossier_livre, capture_output=True, text=True)
            if proc.returncode != 0:
                echec = _garder_echec(dossier, racine, params.edition)
                dire(f"Échec du rendu Quarto (code {proc.returncode}) :\n{proc.stderr[-4000:]}")
                dire(f"Construction arrêtée ; la précédente est intacte. Dossier de travail : {echec}")
                return ECHEC_RENDU
            rendu.finir_html(rendu.dossier_sortie(dossier_livre))
            rendu.dossier_sortie(dossier_livre).rename(publie / "rapport")
        elif choisi == "integre":
            dire(f"Rendu HTML, PDF et Word par le moteur intégré (Pandoc {integre.version_pandoc()}, Typst {integre.version_typst()}) "
                 "— Quarto n'est pas installé ou n'est pas demandé …")
            epoch = horodatage_reproductible()
            try:
                with _environnement(**({"SOURCE_DATE_EPOCH": str(epoch)} if epoch is not None else {})):
                    integre.rendre(dossier_livre, chapitres, metadonnees(params, ctx), publie / "rapport")
            except integre.RenduImpossible as err:
                echec = _garder_echec(dossier, racine, params.edition)
                dire(f"Échec du rendu : {err}")
                dire(f"Construction arrêtée ; la précédente est intacte. Dossier de travail : {echec}")
                return ECHEC_RENDU

        (publie / "provenance.yml").write_text(
            yaml.safe_dump(provenance(params.fichier, version, donnees, moteur=choisi,
                                      execution=[(r.nom, r.repris) for r in execution.resultats]),
                           allow_unicode=True, sort_keys=False),
            encoding="utf-8")
        _publier(publie, racine / params.edition)
        shutil.rmtree(dossier, ignore_errors=True)
        cible = racine / params.edition
        if code == QUARTO_ABSENT:
            dire(f"Notebooks exécutés et exports écrits dans {cible} ; rapport non rendu (Quarto absent).")
        elif choisi == "aucun":
            dire(f"Notebooks et exports publiés dans {cible} (rendu non demandé).")
        else:
            moteur_dit = f"Quarto {version}" if choisi == "quarto" else "moteur intégré"
            dire(f"Rapport publié dans {cible / 'rapport'} (HTML, PDF et Word, {moteur_dit}).")
        return code
    except AssemblageImpossible as err:
        echec = _garder_echec(dossier, racine, params.edition)
        dire(f"Livre impossible à assembler : {err}")
        dire(f"Construction arrêtée ; la précédente est intacte. Dossier de travail : {echec}")
        return ECHEC_NOTEBOOK
    except BaseException:
        if dossier.exists():
            _garder_echec(dossier, racine, params.edition)
        raise
