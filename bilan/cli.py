"""Point d'entrée ``python -m bilan`` : valider une édition, la construire, ou en préparer une nouvelle."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import traceback
from pathlib import Path

from bilan import construire as construction
from bilan.config import DONNEES, PARAMETRES
from bilan.parametres import ParametresInvalides
from bilan.validation import DonneesInvalides

EPILOGUE = """\
codes de sortie :
  0  réussite
  1  paramètres ou données invalides (chaque problème est affiché)
  2  échec d'un notebook (le notebook, la cellule et l'erreur sont nommés)
  3  Quarto demandé (--moteur quarto) mais absent : notebooks et exports produits,
     rapport HTML/PDF non rendu
  4  échec du rendu (Quarto ou moteur intégré)
  5  une autre construction de la même édition est en cours
  70 erreur inattendue (défaut du programme, pas des données) : une ligne l'explique ;
     relancer avec --debug pour voir le détail (trace Python)
  141 sortie coupée par le programme qui la lisait (ex. « | head »)

exemples :
  python -m bilan valider params/2024.yml
  python -m bilan construire params/2024.yml
  python -m bilan construire params/2024.yml --moteur integre
  python -m bilan apercu params/2024.yml --port 8000
  python -m bilan --debug construire params/2024.yml
  python -m bilan relecture params/2026.yml
  python -m bilan nouvelle-edition 2026 --date 2026-03-31
  python -m bilan collecte preparer params/2026.yml
  python -m bilan collecte importer params/2026.yml retours/*.xlsx
"""

# Code de sortie d'une erreur inattendue : EX_SOFTWARE de sysexits.h (« erreur interne du
# programme »), loin des codes 1 à 4 et de ceux que l'on ajoutera après eux.
ERREUR_INATTENDUE = 70
# Sortie coupée par le programme qui la lit (« python -m bilan valider … | head ») : ce n'est
# pas une erreur du rapport ; 141 est le code qu'un shell donne à un processus tué par SIGPIPE.
SORTIE_COUPEE = 141


class _Formateur(argparse.RawDescriptionHelpFormatter):
    """Formateur d'aide en français (argparse n'offre ses libellés qu'en anglais)."""

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[override]
        # argparse passe prefix="" pour calculer le nom d'une sous-commande : ne rien y ajouter.
        return super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)


class _Analyseur(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formateur)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {message}\n")


def analyseur() -> argparse.ArgumentParser:
    p = _Analyseur(
        prog="python -m bilan",
        description="Rapport de mise en œuvre du PACSESM : valide les données et construit une édition "
                    "(notebooks exécutés par papermill, exports, rendu Quarto HTML et PDF).",
        epilog=EPILOGUE,
    )
    p.add_argument("--debug", action="store_true",
                   help="en cas d'erreur inattendue, afficher la trace Python complète")
    sous = p.add_subparsers(dest="commande", title="commandes", metavar="COMMANDE", parser_class=_Analyseur)
    v = sous.add_parser("valider", help="valider les paramètres d'une édition et les données")
    v.add_argument("parametres", metavar="PARAMS", help="fichier de paramètres, ex. params/2024.yml")
    c = sous.add_parser("construire", help="construire une édition dans _build/<édition>/")
    c.add_argument("parametres", metavar="PARAMS", help="fichier de paramètres, ex. params/2024.yml")
    c.add_argument("--sans-rendu", action="store_true",
                   help="s'arrêter après les notebooks et les exports, sans rendre le rapport")
    c.add_argument("--moteur", choices=construction.MOTEURS, default="auto",
                   help="moteur de rendu : auto (Quarto s'il est installé, sinon le moteur intégré Pandoc + "
                        "Typst), quarto ou integre (défaut : auto)")
    c.add_argument("--force", action="store_true",
                   help="réexécuter tous les notebooks, sans reprendre les sorties du cache")
    c.add_argument("--travailleurs", type=int, metavar="N",
                   help="nombre de notebooks exécutés en parallèle (défaut : un par cœur)")
    r = sous.add_parser("relecture", help="lister le récit à revoir pour une édition ; marquer des chapitres révisés")
    r.add_argument("parametres", metavar="PARAMS", help="fichier de paramètres, ex. params/2026.yml")
    r.add_argument("--marquer", metavar="NOTEBOOK", type=Path, nargs="+",
                   help="noter que le récit de ces notebooks est révisé pour l'édition (métadonnée bilan.revise_pour)")
    a = sous.add_parser("apercu", help="construire, servir le rapport sur http://127.0.0.1:PORT/ et le reconstruire "
                                       "à chaque enregistrement (moteur intégré)")
    a.add_argument("parametres", metavar="PARAMS", help="fichier de paramètres, ex. params/2024.yml")
    a.add_argument("--port", type=_port, default=8000, metavar="PORT",
                   help="port local du serveur (défaut : 8000 ; 0 : un port libre) ; code 1 s'il est déjà pris")
    n = sous.add_parser("nouvelle-edition", help="écrire params/AAAA.yml (brouillon) d'après l'édition la plus récente")
    n.add_argument("annee", metavar="ANNEE", type=int, help="année de la nouvelle édition, ex. 2026")
    n.add_argument("--date", required=True, type=_date, metavar="AAAA-MM-JJ",
                   help="date de référence : état des mesures et des livrables à cette date")
    n.add_argument("--dossier", type=Path, default=PARAMETRES, help="dossier des paramètres (params/ par défaut)")
    co = sous.add_parser("collecte", help="collecte des statuts auprès des porteurs (classeurs XLSX)")
    actions = co.add_subparsers(dest="action", title="actions", metavar="ACTION", parser_class=_Analyseur, required=True)
    pr = actions.add_parser("preparer", help="écrire un classeur à remplir par organisation porteuse")
    pr.add_argument("parametres", metavar="PARAMS", help="fichier de paramètres, ex. params/2026.yml")
    pr.add_argument("--dossier", type=Path, help="dossier des classeurs (_build/<édition>/collecte/ par défaut)")
    pr.add_argument("--organisation", action="append", metavar="SIGLE",
                    help="seulement cette organisation (répétable) ; toutes les porteuses par défaut")
    pr.add_argument("--remplacer", action="store_true", help="remplacer les classeurs déjà présents dans le dossier")
    pr.add_argument("--donnees", type=Path, default=DONNEES, help="dossier des données (data/ par défaut)")
    im = actions.add_parser("importer", help="contrôler les classeurs retournés et ajouter leurs statuts datés à data/")
    im.add_argument("parametres", metavar="PARAMS", help="fichier de paramètres, ex. params/2026.yml")
    im.add_argument("fichiers", metavar="FICHIER", nargs="+", type=Path, help="classeurs retournés (.xlsx)")
    im.add_argument("--dossier", type=Path,
                    help="dossier des fichiers de relecture (recits/ y est créé ; _build/<édition>/collecte/ par défaut)")
    im.add_argument("--donnees", type=Path, default=DONNEES,
                    help="dossier des données, où les statuts sont ajoutés (data/ par défaut)")
    return p


def _collecte(args: argparse.Namespace) -> int:
    from bilan import collecte

    try:
        if args.action == "preparer":
            fichiers = collecte.preparer(args.parametres, args.donnees, args.dossier, args.organisation, args.remplacer)
            print(f"{len(fichiers)} classeur(s) écrit(s) dans {fichiers[0].parent} :" if fichiers else "Aucun classeur écrit.")
            for f in fichiers:
                print(f"  - {f.name}")
            return construction.OK
        bilan = collecte.importer(args.parametres, args.fichiers, args.donnees, args.dossier)
    except (ParametresInvalides, DonneesInvalides, collecte.CollecteImpossible) as err:
        print(f"Collecte impossible — {err}", file=sys.stderr)
        return construction.ENTREES_INVALIDES
    except collecte.CollecteInvalide as err:
        for probleme in err.problemes:
            print(probleme)
        print(f"{len(err.problemes)} problème(s) : aucun fichier n'a été écrit, data/ est inchangé. Corriger les classeurs"
              " (ou les données) puis relancer l'import.")
        return construction.ENTREES_INVALIDES
    for fichier, organisation, remplies in bilan.classeurs:
        print(f"Classeur lu : {fichier} ({organisation}, {remplies} ligne(s) remplie(s)).")
    if bilan.ajoutes:
        print(f"{len(bilan.ajoutes)} statut(s) ajouté(s) ({', '.join(str(f) for f in bilan.donnees_ecrites)}) :")
        for changement in bilan.ajoutes:
            print(f"  - {changement}")
    else:
        print("Aucun changement dans les données : " + (
            f"ces classeurs ne donnent que des statuts déjà enregistrés ({len(bilan.deja_enregistres)})."
            if bilan.deja_enregistres else "ces classeurs ne donnent aucun nouveau statut."))
    if bilan.ajoutes and bilan.deja_enregistres:
        print(f"{len(bilan.deja_enregistres)} statut(s) déjà enregistré(s), laissé(s) tel(s) quel(s).")
    if bilan.recits:
        print(f"Fichiers de relecture des mises à jour ({len(bilan.recits)}) :")
        for chemin in bilan.recits:
            print(f"  - {chemin}")
    else:
        print("Fichiers de relecture des mises à jour : inchangés.")
    return construction.OK


def _port(texte: str) -> int:
    if not texte.isdigit() or int(texte) > 65535:
        raise argparse.ArgumentTypeError(f"port invalide « {texte} » (entier de 0 à 65535)")
    return int(texte)


def _date(texte: str) -> dt.date:
    try:
        return dt.date.fromisoformat(texte)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date invalide « {texte} » (format AAAA-MM-JJ, date existante)") from None


def _nouvelle_edition(annee: int, date: dt.date, dossier: Path) -> int:
    from bilan.edition import EditionImpossible, nouvelle_edition

    try:
        params = nouvelle_edition(annee, date, dossier)
    except EditionImpossible as err:
        print(f"Nouvelle édition impossible : {err}", file=sys.stderr)
        return construction.ENTREES_INVALIDES
    print(f"{params.fichier} écrit : {params['rapport']['titre']}, état au {date.isoformat()},"
          f" comparé à l'édition {params.edition_precedente} (état au {params.date_precedente}).")
    print(f"Brouillon : {len(params.a_preciser)} valeur(s) à préciser avant de passer « etat » à final :")
    for cle in params.a_preciser:
        print(f"  - {cle}")
    return construction.OK


def _relecture(fichier_params: str, a_marquer: list[Path]) -> int:
    from bilan.config import NOTEBOOKS, chemin_projet
    from bilan.parametres import lire_parametres
    from bilan.relecture import chapitres_a_revoir, marquer

    params = lire_parametres(fichier_params)
    for chemin in a_marquer:
        chemin = chemin_projet(chemin)
        if not chemin.exists() or chemin.suffix != ".ipynb":
            print(f"Notebook introuvable : {chemin}", file=sys.stderr)
            return construction.ENTREES_INVALIDES
        marquer(chemin, params.edition)
        print(f"{chemin.name} : récit marqué révisé pour l'édition {params.edition}.")
    a_revoir = chapitres_a_revoir(construction.notebooks(NOTEBOOKS), params.edition)
    if not a_revoir:
        print(f"Tout le récit est révisé pour l'édition {params.edition}.")
    for chapitre in a_revoir:
        print(chapitre.decrire(params.edition))
    return construction.OK


def main(argv: list[str] | None = None) -> int:
    """Exécute la commande ; une erreur inattendue donne une ligne claire et le code 70 (trace avec --debug)."""
    args = analyseur().parse_args(argv)
    try:
        return commande(args)
    except (ParametresInvalides, DonneesInvalides) as err:  # déjà dites en mots d'analyste
        print(err, file=sys.stderr)
        return construction.ENTREES_INVALIDES
    except BrokenPipeError:  # sortie coupée par le lecteur (« | head ») : rien à dire de plus
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (évite un second échec à la fermeture)
        return SORTIE_COUPEE
    except Exception as err:  # toute autre erreur est un défaut du programme : la dire sans trace
        if args.debug:
            traceback.print_exc()
        print(message_inattendu(err, sys.argv[1:] if argv is None else argv, args.debug), file=sys.stderr)
        return ERREUR_INATTENDUE


def message_inattendu(err: BaseException, argv: list[str], debug: bool) -> str:
    """Une ligne : la commande qui a échoué, l'erreur, et comment en voir le détail."""
    ligne = " ".join(m for m in argv if m != "--debug")
    detail = next(iter(str(err).strip().splitlines()), "")
    message = f"Erreur inattendue pendant « python -m bilan {ligne} » : {type(err).__name__}" + (f" : {detail}" if detail else "")
    if not debug:
        message += f" — relancer avec --debug pour voir le détail (python -m bilan --debug {ligne})."
    return message


def commande(args: argparse.Namespace) -> int:
    """Lance la commande analysée ; renvoie son code de sortie."""
    if args.commande == "valider":
        return construction.valider(args.parametres)
    if args.commande == "construire":
        return construction.construire(args.parametres, rendre=not args.sans_rendu, moteur=args.moteur,
                                       force=args.force, travailleurs=args.travailleurs)
    if args.commande == "relecture":
        return _relecture(args.parametres, args.marquer or [])
    if args.commande == "apercu":
        from bilan.apercu import Apercu

        return Apercu(args.parametres, port=args.port).lancer()
    if args.commande == "nouvelle-edition":
        return _nouvelle_edition(args.annee, args.date, args.dossier)
    if args.commande == "collecte":
        return _collecte(args)
    analyseur().print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
