--[[
texte-imprime.lua : le texte tel que le PDF l'imprime, pour le comparer au rapport publié.

Les capitales du rapport imprimé sont une mise en forme (styles/typst-classes.lua : #upper[…]
sur les segments et titres .majuscules, et sur la ligne d'en-tête des tableaux d'un bloc
.entetes-majuscules) ; le Markdown, lui, est en casse normale. Ce filtre applique la même mise
en capitales au texte, pour que bilan.texte (test de fidélité, tests/test_fidelite.py) compare
ce que le lecteur du PDF voit ; il retire aussi les blocs réservés au HTML
(.content-visible when-format="html"). Il ne sert à aucun rendu.
]]

local function capitales(el)
  return pandoc.walk_inline(el, {
    Str = function(s) return pandoc.Str(pandoc.text.upper(s.text)) end,
  })
end

local function Span(el)
  if el.classes:includes("majuscules") then
    return capitales(el)
  end
end

local function Header(el)
  if el.classes:includes("majuscules") then
    return pandoc.walk_block(el, { Str = function(s) return pandoc.Str(pandoc.text.upper(s.text)) end })
  end
  if el.classes:includes("annexe") then
    -- « Annexe 1 – Liste … » : capitales jusqu'au tiret (styles/typst-classes.lua)
    local vu = false
    for i, x in ipairs(el.content) do
      if x.t == "Str" and x.text == "–" then vu = true end
      if not vu and x.t == "Str" then el.content[i] = pandoc.Str(pandoc.text.upper(x.text)) end
    end
    return el
  end
end

-- Blocs propres au HTML (page d'accueil) : absents du PDF.
local function html_seulement(el)
  local quand = el.attributes["when-format"]
  return el.classes:includes("content-visible") and quand ~= nil and quand:match("^html")
end

local function Div(el)
  if html_seulement(el) then return {} end
  if not el.classes:includes("entetes-majuscules") then return nil end
  return pandoc.walk_block(el, {
    Table = function(t)
      -- première ligne d'en-tête seulement (comme show table.cell.where(y: 0) dans rapport.typ)
      if #t.head.rows > 0 then
        for _, cellule in ipairs(t.head.rows[1].cells) do
          cellule.contents = pandoc.walk_block(pandoc.Div(cellule.contents), {
            Str = function(s) return pandoc.Str(pandoc.text.upper(s.text)) end,
          }).content
        end
      end
      return t
    end,
  })
end

return {
  { Span = Span, Header = Header },
  { Div = Div },
}
