"""Le dépôt se suffit à lui-même : aucun chemin vers l'extérieur du projet, texte publié présent et intact."""

from __future__ import annotations

import hashlib
import subprocess

from bilan.config import RACINE

PUBLIE = RACINE / "tests" / "publie"
EMPREINTE_PUBLIE = "4ed4a0290ca953a1063a720ea35fdc7fd7bf60db55ec4332851288c6dc42d775"
# Écrit en deux morceaux pour que ce fichier-ci ne contienne pas le chemin qu'il interdit.
CHEMIN_INTERDIT = "/work" + "/shared"


def _fichiers_suivis() -> list[str]:
    sortie = subprocess.run(["git", "ls-files", "-z"], cwd=RACINE, capture_output=True, check=True).stdout
    return [f for f in sortie.decode().split("\0") if f]


def test_aucun_fichier_du_depot_ne_renvoie_hors_du_projet():
    fichiers = _fichiers_suivis()
    assert "README.md" in fichiers and "tests/publie/rapport-2024.txt" in fichiers
    fautifs = [f for f in fichiers if (RACINE / f).is_file() and CHEMIN_INTERDIT.encode() in (RACINE / f).read_bytes()]
    assert fautifs == [], f"fichiers qui citent {CHEMIN_INTERDIT} (copier la ressource dans le dépôt) : {fautifs}"


def test_texte_publie_present_et_intact():
    """tests/publie/rapport-2024.txt est celui que décrit tests/publie/README.md, octet pour octet."""
    texte = PUBLIE / "rapport-2024.txt"
    assert texte.is_file(), "texte publié absent : tests/publie/rapport-2024.txt (voir tests/publie/README.md)"
    assert hashlib.sha256(texte.read_bytes()).hexdigest() == EMPREINTE_PUBLIE
    assert f"**SHA-256** : `{EMPREINTE_PUBLIE}`" in (PUBLIE / "README.md").read_text(encoding="utf-8")
    assert "ISBN 978-2-550-99020-8 (PDF)" in (PUBLIE / "README.md").read_text(encoding="utf-8")
