-- A backtracking pattern: string.find ran in C, where the instruction
-- budget was never counted, for minutes.
function has_b(s)
  return string.rep(s, 30000):find(".-.-.-.-.-.-.-b") ~= nil
end
