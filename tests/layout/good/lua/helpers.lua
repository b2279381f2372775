-- Site helpers for the layout tests.
function shout(s)
  return string.upper(s) .. "!"
end
