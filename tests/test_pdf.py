"""Le PDF sans Quarto : tout le contenu construit, passé par pandoc, le filtre et les styles Typst
du projet, doit se composer en PDF (module Python ``typst``).

Quarto ajoute son propre gabarit autour ; ce test vérifie la part du projet (filtre Lua,
styles/rapport.typ, styles/typst-show.typ) sur le vrai contenu des 13 chapitres, figures SVG
comprises, pour qu'une erreur de composition se voie ici plutôt qu'au rendu final.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pypandoc
import pytest
import yaml

from bilan.config import STYLES
from bilan.texte import markdown_notebook

typst = pytest.importorskip("typst", reason="module typst absent (dépendance de développement) : composition PDF non testée")


def test_le_rapport_complet_se_compose_en_pdf(construction_2024, tmp_path: Path):
    source = construction_2024["dossier"]
    valeurs = yaml.safe_load((source / "_variables.yml").read_text(encoding="utf-8"))
    travail = tmp_path / "notebooks"
    shutil.copytree(source / "notebooks" / "figures", travail / "figures")
    chapitres = sorted((source / "notebooks").glob("*.ipynb"))
    markdown = "\n\n".join(markdown_notebook(nbformat.read(c, as_version=4), valeurs, c.name) for c in chapitres)
    shutil.copy2(STYLES / "typst-show.typ", travail / "typst-show.typ")
    modele = travail / "template.typ"
    modele.write_text("$for(header-includes)$\n$header-includes$\n$endfor$\n\n$typst-show.typ()$\n\n$body$\n", encoding="utf-8")
    typ = travail / "rapport.typ"
    pypandoc.convert_text(
        markdown, "typst", format="markdown", outputfile=str(typ),
        extra_args=["-s", "--wrap=none", "--template", str(modele), "--lua-filter", str(STYLES / "typst-classes.lua"),
                    "--include-in-header", str(STYLES / "rapport.typ"), "-M", "lang=fr", "-M", "toc=true",
                    "-M", "title=Briser le cycle de l'exploitation sexuelle"],
    )
    texte = typ.read_text(encoding="utf-8")
    assert texte.count('image("figures/') == 3 and ".svg" in texte
    pdf = travail / "rapport.pdf"
    typst.compile(str(typ), output=str(pdf))
    contenu = pdf.read_bytes()
    assert contenu[:5] == b"%PDF-"
    assert len(contenu) > 100_000
