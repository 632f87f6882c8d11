-- run.lua - MAME autoboot script of tests/target/c64/c64_chat.py (MAME 0.251
-- Lua API, machine c64p). c64_chat.py fills in @PROMPTS@ (a file of lines of
-- PETSCII key codes, as decimal numbers separated by spaces) and @OUT@.
--
-- Waits for READY. and for the quickloaded program in RAM, types RUN, then
-- for each line: waits until the program's state byte ($02A7) says 1
-- (waiting for a line), types the line's keys through the KERNAL keyboard
-- buffer ($0277, count in $C6, at most 10 at a time), waits for state 2
-- (computing) and then 1 again, and writes the screen (screen RAM at $0400,
-- as text) to OUT. Then a snapshot (the chat), RUN/STOP, and after "bye." the
-- screen again (it must show READY.: back in BASIC), and os.exit.
--
-- Memory confinement: once the program is in RAM, write taps watch every
-- address outside the program's planned regions (c64_chat.py fills in
-- @TAPS@ from the linker map: {first, last, who}). A write there by the
-- program's own code (the CPU's PC inside its CODE segment, @CODE_FIRST@ to
-- @CODE_LAST@), or by anyone into the model's tables ("any"), is a stray
-- write: the first 20 are written to OUT as "STRAY" lines before DONE. The
-- KERNAL's own writes (screen, buffers, its zero page) are its business.
local PROMPTS = "@PROMPTS@"
local OUT = "@OUT@"
local TAPS = {@TAPS@}
local CODE_FIRST, CODE_LAST = @CODE_FIRST@, @CODE_LAST@
local cpu = manager.machine.devices[":u7"]
local strays, stray_count, taps = {}, 0, {}
local typing = false  -- this script's own writes (the keyboard buffer) are not the program's
local lines = {}
for line in io.lines(PROMPTS) do
  local keys = {}
  for n in line:gmatch("%d+") do keys[#keys + 1] = tonumber(n) end
  lines[#lines + 1] = keys
end
local mem = manager.machine.devices[":u7"].spaces["program"]
local out = io.open(OUT, "w")
local phase, idx, pending, wait = "boot", 0, {}, 0

-- Screen codes of the upper/lower case set as text ('~' for graphics).
local function screen_text()
  local rows = {}
  for r = 0, 24 do
    local row = {}
    for c = 0, 39 do
      local v = mem:read_u8(0x0400 + r * 40 + c) & 0x7F
      local ch = "~"
      if v == 0 then ch = "@"
      elseif v <= 26 then ch = string.char(96 + v)
      elseif v == 27 then ch = "["
      elseif v == 29 then ch = "]"
      elseif v >= 32 and v <= 63 then ch = string.char(v)
      elseif v >= 65 and v <= 90 then ch = string.char(v) end
      row[#row + 1] = ch
    end
    rows[#rows + 1] = table.concat(row)
  end
  return table.concat(rows, "\n")
end

local function screen_has_ready()
  local s = {}
  for i = 0, 999 do s[#s + 1] = string.char(mem:read_u8(0x0400 + i) & 0x7F) end
  -- READY. in screen codes (upper case set at boot; the same codes after $0E)
  return string.find(table.concat(s), string.char(0x12, 0x05, 0x01, 0x04, 0x19, 0x2E), 1, true) ~= nil
end

local function arm_taps()
  for i, t in ipairs(TAPS) do
    local first, last, who = t[1], t[2], t[3]
    taps[#taps + 1] = mem:install_write_tap(first, last, "stray" .. i, function(offset, data, mask)
      local pc = cpu.state["PC"].value
      if not typing and (who == "any" or (pc >= CODE_FIRST and pc <= CODE_LAST)) then
        stray_count = stray_count + 1
        if #strays < 20 then
          strays[#strays + 1] = string.format("STRAY $%04X = $%02X by PC $%04X", offset, data & 0xFF, pc)
        end
      end
    end)
  end
end

local function feed()
  if #pending > 0 and mem:read_u8(0xC6) == 0 then
    local n = math.min(#pending, 10)
    typing = true
    for i = 1, n do mem:write_u8(0x0277 + i - 1, table.remove(pending, 1)) end
    mem:write_u8(0xC6, n)
    typing = false
  end
end

emu.register_frame_done(function()
  feed()
  local state = mem:read_u8(0x02A7)
  if phase == "boot" then
    -- the quickload lands some frames after the first READY.
    if screen_has_ready() and mem:read_u8(0x0801) ~= 0 then
      mem:write_u8(0x02A7, 0)
      arm_taps()  -- after the quickload, which writes the program
      pending = {0x52, 0x55, 0x4E, 0x0D}  -- RUN, RETURN
      phase = "ready"
    end
  elseif phase == "ready" then
    if #pending == 0 and state == 1 then
      idx = idx + 1
      if idx > #lines then
        phase = "shot"
        wait = 0
        return
      end
      for _, k in ipairs(lines[idx]) do pending[#pending + 1] = k end
      phase = "typing"
    end
  elseif phase == "typing" then
    if #pending == 0 and state == 2 then phase = "busy" end
  elseif phase == "busy" then
    if state == 1 then
      out:write("SCREEN " .. idx .. "\n" .. screen_text() .. "\n")
      out:flush()
      phase = "ready"
    end
  elseif phase == "shot" then
    -- the snapshot shows the last frame drawn: take it a few frames later
    wait = wait + 1
    if wait == 5 then manager.machine.video:snapshot() end
    if wait == 8 then
      pending = {3}  -- RUN/STOP
      phase = "quit"
      wait = 0
    end
  elseif phase == "quit" then
    wait = wait + 1
    if wait == 60 then out:write("QUIT\n" .. screen_text() .. "\n") end
    if wait == 61 then
      for _, line in ipairs(strays) do out:write(line .. "\n") end
      out:write("STRAYS " .. stray_count .. "\n")
      out:write("DONE\n")
      out:close()
      os.exit(0)
    end
  end
end)
