"""bilan : données, validation et calculs du rapport de mise en œuvre du PACSESM.

Le paquet porte toute la logique réutilisée d'une édition à l'autre ; les notebooks
de `notebooks/` ne font qu'appeler ses fonctions et porter le texte narratif.
"""

__version__ = "0.1.0"
