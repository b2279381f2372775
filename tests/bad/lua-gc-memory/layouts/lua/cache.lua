-- At lua_close a finalizer ran outside the memory limit too: this one
-- allocated some 500 MB and the build succeeded.
function remember(s)
  setmetatable({}, {__gc = function()
    local t = {}
    for i = 1, 3e7 do t[i] = i end
  end})
  return s
end
