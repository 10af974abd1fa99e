"""Typographie française (Québec) de tout ce que le code produit.

C'est le seul endroit où les règles de FRENCH.md (OQLF, *Guide du rédacteur*) sont appliquées :
nombres, montants, pourcentages, dates, listes et ponctuation du texte émis par le code.
Ni Pandoc, ni Quarto, ni Typst ne les appliquent pour nous (``lang: fr`` ne change que les
libellés et la césure). Les formats viennent de babel (CLDR, locale ``fr_CA``) partout où
babel donne le résultat attendu ; les exceptions écrites à la main disent pourquoi.

Espaces : U+00A0 (insécable) pour les milliers, avant ``:``, ``%``, ``$`` et dans les
guillemets ; U+202F (fine insécable) avant ``;``, ``!`` et ``?``.
"""

from __future__ import annotations

import datetime
import functools
import operator
import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_currency, format_decimal, format_percent

LOCALE = "fr_CA"
NBSP = "\u00a0"
NNBSP = "\u202f"


# --- Nombres ------------------------------------------------------------------------------


def _entier(n: object) -> int:
    """Entier Python ; accepte les entiers numpy/pandas, refuse les flottants (pas d'arrondi caché)."""
    return operator.index(n)  # type: ignore[arg-type]


def nombre(n: int) -> str:
    """Entier groupé par milliers avec U+00A0 : ``12 000``.

    Années, identifiants et numéros de page ne se groupent jamais : l'appelant les passe en ``str``.
    """
    # CLDR fr_CA groupe dès 4 chiffres (« 1 234 ») ; FRENCH.md le permet (facultatif à 4 chiffres).
    return format_decimal(_entier(n), locale=LOCALE)


def montant(dollars: int) -> str:
    """Montant en dollars entiers : ``1 953 200 $`` (U+00A0 entre les groupes et avant ``$``)."""
    # Motif explicite : le motif monétaire standard de fr_CA impose deux décimales
    # (« 1 953 200,00 $ ») ; FRENCH.md veut des dollars entiers sans décimales.
    return format_currency(
        _entier(dollars), "CAD", format=f"#,##0{NBSP}¤", locale=LOCALE, currency_digits=False
    )


def montant_abrege(dollars: int, decimales: int = 1) -> str:
    """Montant en millions pour les tableaux et formes courtes : ``148,8 M$`` (arrondi demi supérieur)."""
    # À la main : format_compact_currency donne « 148,8 M $ » (espace entre M et $) alors que
    # l'usage québécois (FRENCH.md) est « M$ » soudé ; et babel arrondit au pair (ROUND_HALF_EVEN).
    if decimales < 0:
        raise ValueError(f"Nombre de décimales négatif : {decimales}")
    pas = Decimal(1).scaleb(-decimales)
    millions = (Decimal(_entier(dollars)) / Decimal(1_000_000)).quantize(pas, rounding=ROUND_HALF_UP)
    motif = "#,##0" + ("." + "0" * decimales if decimales else "")
    return f"{format_decimal(millions, format=motif, locale=LOCALE)}{NBSP}M$"


def pourcentage_entier(part: int, total: int) -> int:
    """Part du total en pour cent entier, arrondie au demi supérieur (22/38 → 58, 1/8 → 13).

    ``round()`` de Python arrondit au pair (12,5 → 12) : on passe par ``decimal`` explicitement.
    """
    part, total = _entier(part), _entier(total)
    if total <= 0:
        raise ValueError(f"Pourcentage impossible : le total doit être positif (reçu {total}).")
    if not 0 <= part <= total:
        raise ValueError(f"Pourcentage impossible : la part ({part}) doit être comprise entre 0 et le total ({total}).")
    # La division décimale (28 chiffres) est exacte sur les cas « ,5 » : une part entière sur un
    # total entier n'est jamais à moins de 1/(2·total) d'un demi sans y être exactement.
    valeur = Decimal(part * 100) / Decimal(total)
    return int(valeur.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def pourcentage(part: int, total: int) -> str:
    """Part du total en pour cent entier, avec U+00A0 avant ``%`` : ``58 %``."""
    return format_percent(Decimal(pourcentage_entier(part, total)) / 100, locale=LOCALE)


# --- Dates et listes ----------------------------------------------------------------------


def date_longue(d: datetime.date, markdown: bool = False) -> str:
    """Date complète : ``7 février 2024``, ``1er septembre 2024`` (``1^er^`` en Markdown si ``markdown``)."""
    # À la main pour le jour : CLDR (format_date) écrit « 1 septembre 2024 » ; l'usage
    # français est l'ordinal « 1er » pour le premier du mois seulement.
    if d.day == 1:
        jour = "1^er^" if markdown else "1er"
    else:
        jour = str(d.day)
    return f"{jour} {format_date(d, format='MMMM y', locale=LOCALE)}"


def mois_annee(d: datetime.date) -> str:
    """Mois et année : ``décembre 2024``."""
    return format_date(d, format="MMMM y", locale=LOCALE)


def liste(elements: Sequence[str]) -> str:
    """Énumération française : ``5``, ``5 et 13``, ``5, 13 et 55`` (pas de virgule avant « et »)."""
    return format_list(list(elements), style="standard", locale=LOCALE)


# --- Ponctuation du texte émis ------------------------------------------------------------

# Passages jamais retouchés : code, URL, courriels, entités HTML, syntaxe Markdown/Quarto
# (cibles de liens, attributs {#id .classe clé=valeur}, shortcodes, balises HTML).
_PROTEGES = re.compile(
    r"""
      ^(?P<cloture>`{3,}|~{3,})[^\n]*\n.*?^(?P=cloture)[ \t]*$      # bloc de code clôturé
    | (?<!\\)(?P<tics>`+)(?:(?!(?P=tics)).)+?(?P=tics)              # code en ligne
    | (?<!\\)\{\{[<%].*?[>%]\}\}                                     # shortcode Quarto {{< … >}}
    | <!--.*?-->                                                    # commentaire HTML
    | (?<!\\)<[A-Za-z/!?][^<>\n]*>                                  # balise HTML, lien automatique
    | (?<!\\)\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*(?:\s+"[^"\n]*")?\)  # cible de lien ](url "titre")
    | (?<!\\)\]\[[^\]\n]*\]                                          # lien par référence ][id]
    | ^[ ]{0,3}\[(?!\^)[^\]\n]+\]:[^\n]*$                          # définition de référence [id]: url
    | (?<!\\)\{(?:[^{}\n\\]|\\.)*(?<!\\)\}                          # attributs {#id .classe clé=v}
    | (?:https?|ftp|mailto):[^\s<>"«»]*[^\s<>"«».,;:!?)\]'’]        # URL
    | www\.[^\s<>"«»]*[^\s<>"«».,;:!?)\]'’]                         # URL sans protocole
    | [\w.+-]+@[\w-]+(?:\.[\w-]+)+                                  # courriel
    | &(?:[A-Za-z][A-Za-z0-9]*|\#[0-9]+|\#[xX][0-9A-Fa-f]+);        # entité HTML (&nbsp; &#8239;)
    """,
    re.VERBOSE | re.MULTILINE | re.DOTALL,
)

# Chaque passage protégé est remplacé par un seul caractère d'une zone privée (plan 15, ou
# plan 16 si le texte emploie déjà le plan 15), puis restitué ; les règles voient ainsi un
# « mot » opaque à sa place.
_ZONES_PRIVEES = ((0xF0000, 0xFFFFD), (0x100000, 0x10FFFD))
_ESP = "[ \u00a0\u202f\u2009]"  # espaces horizontales normalisées (ordinaire, insécable, fines)


@functools.cache
def _regles(zone: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """Les règles de typographie, ``zone`` étant la classe des caractères de masquage."""
    # Ce qui peut précéder un signe double : fin de mot, parenthèse/guillemet fermants, emphase
    # Markdown, symbole, passage protégé (lien, code). Jamais « ] » (définition [id]: url),
    # ni un autre signe (« ?! » garde un seul espace), ni un début de ligne.
    _AVANT = f"[\\w)»*_’'\"….%${zone}]"
    return (
        # n° 4, N° A1, n^o^ 4, n^os^ 5 et 13 : insécable après l'abréviation, devant un numéro.
        (re.compile(f"\\b([Nn][°º]){_ESP}*(?=\\d|[A-Z]\\d)"), f"\\1{NBSP}"),
        (re.compile(f"\\b([Nn]\\^os?\\^){_ESP}*(?=\\d|[A-Z]\\d)"), f"\\1{NBSP}"),
        # « guillemets » : insécable à l'intérieur (pas devant une fin de ligne). Pas après la puce
        # d'un élément de liste (« - » en début de ligne) ni après la barre d'une cellule de tableau :
        # cette espace-là est la syntaxe de la liste ou du tableau (« - » collé à « » » n'est plus
        # une puce).
        (re.compile(f"«{_ESP}*(?=\\S)"), f"«{NBSP}"),
        (re.compile(f"(?<=\\S)(?<!^[-+*])(?<!(?<!\\\\)\\|){_ESP}*»", re.MULTILINE), f"{NBSP}»"),
        # Deux-points de ponctuation (suivi d'une espace ou de la fin, éventuellement après la
        # fermeture d'une emphase) : pas 10:30, https:, |:--|, :::.
        (re.compile(f"(?<={_AVANT}){_ESP}*:(?=[*_]*(?:\\s|\\Z))"), f"{NBSP}:"),
        # ; ! ? suivis d'une espace, d'une fin, d'un signe ou d'un fermant : pas ![image](…), ?q=1.
        (
            re.compile(f"(?<={_AVANT}){_ESP}*([;!?])(?=[*_]*(?:[\\s)\\]»\"'’.,;:!?…]|\\Z))"),
            f"{NNBSP}\\1",
        ),
        # 58 %, 40,6 % (pas %20 : les URL sont protégées et « % » doit finir le mot).
        (re.compile(f"(?<=\\d){_ESP}*%(?!\\w)"), f"{NBSP}%"),
        # 50 000 $, 148,8 M$, 50 k$ ; aussi écrit « \$ » en Markdown (un $ nu ouvrirait des maths).
        (re.compile(f"(?<=\\d){_ESP}*([kMG]?)(\\\\?)\\$(?!\\w)"), f"{NBSP}\\1\\2$"),
        # Ordinaux en exposant (« 1^er^ septembre », « 2^e^ secondaire ») : pas déjà en exposant,
        # pas au milieu d'un mot ou d'un nombre (A1er, 1,5e). Ces deux règles écrivent de la
        # syntaxe Markdown (^…^) : elles ne s'appliquent pas à un texte brut (voir typographie()).
        (re.compile(r"(?<![\w^.,])(1)(ers?|res?)(?![\w^])"), r"\1^\2^"),
        (re.compile(r"(?<![\w^.,])([2-9]|[1-9]\d+)(es?)(?![\w^])"), r"\1^\2^"),
    )



def typographie(texte: str, markdown: bool = True) -> str:
    """Espaces de la ponctuation française dans un texte (Markdown) émis par le code.

    Avec ``markdown=False`` (texte brut : texte de remplacement d'une image, libellé d'une
    figure), les ordinaux restent « 1er » au lieu de l'exposant Markdown « 1^er^ ».

    U+00A0 avant ``:``, ``%``, ``$`` (et ``M$``), après ``«``, avant ``»``, après ``n°``/``n^os^``
    devant un numéro ; U+202F avant ``;``, ``!``, ``?``. Une espace existante est remplacée,
    une absente est ajoutée. Idempotente. Laisse intacts le code, les URL, les courriels,
    les entités HTML, les cibles de liens, les attributs ``{…}`` et les shortcodes Quarto.
    Ne corrige ni les guillemets droits, ni les nombres (voir :func:`nombre`).
    """
    # Chaque passage protégé est remplacé par un caractère d'une zone privée que le texte
    # n'emploie pas (plan 15, sinon plan 16) : un texte qui en contiendrait déjà reste intact.
    debut, fin = next(((d, f) for d, f in _ZONES_PRIVEES
                       if not re.search(f"[{chr(d)}-{chr(f)}]", texte)), (None, None))
    if debut is None:
        raise ValueError("Texte refusé : il emploie les deux zones privées U+F0000–U+10FFFD.")
    zone = f"{chr(debut)}-{chr(fin)}"
    proteges: list[str] = []

    def masquer(m: re.Match[str]) -> str:
        proteges.append(m.group(0))
        return chr(debut + len(proteges) - 1)

    masque = _PROTEGES.sub(masquer, texte)
    if len(proteges) > fin - debut:
        raise ValueError("Texte trop long pour la typographie : trop de passages protégés.")
    regles = _regles(zone)
    for motif, remplacement in (regles if markdown else regles[:-2]):
        masque = motif.sub(remplacement, masque)
    return re.sub(f"[{zone}]", lambda m: proteges[ord(m.group(0)) - debut], masque)
