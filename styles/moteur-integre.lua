--[[
moteur-integre.lua : ce que Quarto ferait lui-même, pour le moteur intégré (Pandoc seul).

Le livre Markdown (bilan.assemblage) est écrit pour Quarto. Il n'utilise que trois de ses
traits qui ne sont pas du Markdown de Pandoc ; ce filtre, passé à Pandoc par bilan.integre
AVANT les filtres communs (styles/typst-classes.lua), les reproduit :

1. `::: {.content-visible when-format="html"}` et `.content-hidden` (attributs when-format
   et unless-format) : le bloc est gardé ou retiré selon le format de sortie, comme Quarto
   (docs/authoring/conditional.qmd). Formats reconnus : html, typst (et pdf), docx.
2. `![Légende](figures/x.svg){fig-alt="…"}` : le texte de remplacement de l'image est
   l'attribut fig-alt (Quarto, docs/authoring/figures.qmd, « Alt Text »), pas la légende.
   En Typst, l'écrivain de Pandoc 3.9 n'écrit pas le texte de remplacement d'une image
   (`image("x.svg")`) ; Quarto, si (`image("x.svg", alt: "…")`), et le standard PDF/UA-1
   l'exige : l'image est écrite ici en Typst brut, avec son texte.
3. `[texte](04_axe1_recherche.md#mesure-1)` : Quarto résout un lien vers un autre fichier du
   livre ; le moteur intégré rend UN document (découpé en pages HTML par Pandoc lui-même,
   format chunkedhtml), où le lien devient `#mesure-1`.
4. Numéros des légendes, en HTML et en Word : Quarto numérote les tableaux `#tbl-…` et les
   figures `#fig-…` (« Tableau 1 : … », « Figure 1 : … », _quarto.yml : crossref-tbl-title,
   title-delim) ; Pandoc seul ne numérote rien. En PDF, Typst numérote lui-même ses figures
   (styles/rapport.typ, mêmes mots) : ce filtre n'y touche pas.

Quarto ne reçoit jamais ce filtre.
]]

local function format_courant()
  if FORMAT:match("html") then return "html" end
  if FORMAT:match("typst") then return "typst" end
  if FORMAT:match("docx") then return "docx" end
  return FORMAT
end

-- Un nom de format de Quarto correspond-il au format de sortie ? (« pdf » : le PDF est Typst.)
local function correspond(nom, courant)
  nom = nom:lower()
  if nom == courant then return true end
  if nom == "pdf" and courant == "typst" then return true end
  if nom:match("^html") and courant == "html" then return true end
  return false
end

local function visible(div)
  local courant = format_courant()
  local quand = div.attributes["when-format"]
  local sauf = div.attributes["unless-format"]
  local condition = true
  if quand then condition = correspond(quand, courant) end
  if sauf then condition = condition and not correspond(sauf, courant) end
  if div.classes:includes("content-hidden") then
    -- sans condition, un bloc « caché » l'est partout
    if not quand and not sauf then return false end
    return not condition
  end
  return condition
end

local function Div(div)
  if div.classes:includes("content-visible") or div.classes:includes("content-hidden") then
    if visible(div) then
      return div.content
    end
    return {}
  end
  return nil
end

local function chaine_typst(s)
  return '"' .. s:gsub("\\", "\\\\"):gsub('"', '\\"') .. '"'
end

local function Image(img)
  local alt = img.attributes["fig-alt"] or pandoc.utils.stringify(img.caption)
  img.attributes["fig-alt"] = nil
  if format_courant() == "typst" then
    return pandoc.RawInline("typst", "#box(image(" .. chaine_typst(img.src) .. ", alt: " .. chaine_typst(alt) .. "))")
  end
  img.caption = pandoc.Inlines({ pandoc.Str(alt) })
  return img
end

local function Link(el)
  local ancre = el.target:match("^[%w_%-]+%.md#(.+)$")
  if ancre then
    el.target = "#" .. ancre
    return el
  end
  return nil
end

-- Mots et séparateur de _quarto.yml (crossref-tbl-title, crossref-fig-title, title-delim) et de
-- styles/rapport.typ (supplement) : espace insécable avant le numéro et avant le deux-points.
local ETIQUETTES = { tbl = "Tableau", fig = "Figure" }
local INSECABLE = "\u{00A0}"

local function numeroter(doc)
  if format_courant() == "typst" then return nil end
  local compteurs = { tbl = 0, fig = 0 }
  local function prefixer(el)
    local sorte = el.identifier:match("^(%a+)%-")
    if not ETIQUETTES[sorte] or #el.caption.long == 0 then return nil end
    compteurs[sorte] = compteurs[sorte] + 1
    local marque = ETIQUETTES[sorte] .. INSECABLE .. compteurs[sorte] .. INSECABLE .. ":"
    local premier = el.caption.long[1]
    premier.content:insert(1, pandoc.Space())
    premier.content:insert(1, pandoc.Str(marque))
    return el
  end
  -- Un seul parcours des blocs, dans l'ordre du document : tableaux et figures y sont vus dans
  -- l'ordre où le lecteur les rencontre, comme Quarto les numérote.
  return doc:walk({ Table = prefixer, Figure = prefixer })
end

return {
  { Div = Div },
  { Image = Image, Link = Link },
  { Pandoc = numeroter },
}
