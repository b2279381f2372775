-- 100 kB of text, written 1,000 times: the page's HTML lives outside
-- the Lua memory ceiling, and with longer lists grew to gigabytes.
LONG = string.rep("x", 100000)
function rows()
  local t = {}
  for i = 1, 1000 do t[i] = i end
  return t
end
