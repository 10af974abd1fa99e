"""Point d'entrée ``python -m bilan`` : valider une édition, ou la construire."""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from bilan import construire as construction
from bilan.parametres import ParametresInvalides
from bilan.validation import DonneesInvalides

EPILOGUE = """\
codes de sortie :
  0  réussite
  1  paramètres ou données invalides (chaque problème est affiché)
  2  échec d'un notebook (le notebook, la cellule et l'erreur sont nommés)
  3  Quarto absent : notebooks et exports produits, rapport HTML/PDF non rendu
  4  échec du rendu Quarto
  70 erreur inattendue (défaut du programme, pas des données) : une ligne l'explique ;
     relancer avec --debug pour voir le détail (trace Python)
  141 sortie coupée par le programme qui la lisait (ex. « | head »)

exemples :
  python -m bilan valider params/2024.yml
  python -m bilan construire params/2024.yml
  python -m bilan --debug construire params/2024.yml
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
        return super().add_usage(usage, actions, groups, prefix or "utilisation : ")


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
                   help="s'arrêter après les notebooks et les exports, sans appeler Quarto")
    return p


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
        return construction.construire(args.parametres, rendre=not args.sans_rendu)
    analyseur().print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
