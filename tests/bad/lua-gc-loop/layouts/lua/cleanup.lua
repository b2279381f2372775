-- A finalizer runs outside the instruction budget (Lua turns hooks off in
-- __gc), so this one would hang the build at the latest when the Lua state
-- is closed. klar refuses the __gc field instead.
function tidy(s)
  setmetatable({}, {__gc = function() while true do end end})
  return s
end
