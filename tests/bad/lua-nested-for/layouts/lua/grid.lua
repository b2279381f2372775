-- Each evaluation stays within its own budget, but two k:for over 10,000
-- items make 100 million rounds: the page never ended.
function cells()
  local t = {}
  for i = 1, 10000 do t[i] = i end
  return t
end
