-- markdown() runs cmark in C, outside the count hook and the Lua memory
-- ceiling: 8 MB of text took over a gigabyte, and a loop of calls hung.
function long_intro(s)
  return markdown(string.rep("*" .. s .. "* ", 2000000))
end
