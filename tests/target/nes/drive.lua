-- Drives the tinylm NES shell in fceux (2.6.5) with the controller, like a
-- player: for each case, Up/Down to the prompt, Select and Left/Right to the
-- seed, A; then waits for the shell's done counter, reads the result from RAM
-- and checks the text in the nametable against it. Run by run_nes_test.cmake,
-- which defines the table TLM before loading this file:
--   TLM.cases      file of "<prompt index> <seed hex>" lines
--   TLM.results    written: "<index> <seed> <prompt hex|-> <output hex|->" per case
--   TLM.log        written: progress, frame counts, "FAIL ..." lines, "END" when done
--   TLM.shots      directory for screenshots (caseNN.png)
--   TLM.max_frames frames to wait for one generation before giving up
--   TLM.nmi, TLM.nmi_done (optional) addresses of the shell's labels nmi and
--                  nmi_ppu_done: the test then times every NMI's PPU work and
--                  fails if one could run past vblank
-- The RAM addresses are the fixed map at the top of codegen/asm/m6502/nes/shell.s.

local RAM = {
  OUT_LEN = 0x0300, OUT = 0x0301, STATE = 0x0381, GEN_COUNT = 0x0382,
  PROMPT_IX = 0x0383, SEED = 0x0384, END_REASON = 0x0388, FRAMES = 0x0389,
  UI_PROMPT = 0x0390, UI_DIGIT = 0x0391, UI_SEED = 0x0392, NPROMPTS = 0x0396,
  MAXLEN = 0x0397, FRAME = 0x0398, MAGIC = 0x039A, PROMPT_LEN = 0x03A0, PROMPT = 0x03A1,
}
local OUT_VRAM = 0x2000 + 16 * 32 + 2   -- row 16, column 2
local OUT_COLS, OUT_ROWS = 28, 5
local PLACEHOLDER = 0xBF

local log = assert(io.open(TLM.log, "w"))
local failures = 0
local function say(...)
  log:write(string.format(...), "\n")
  log:flush()
end
local function fail(...)
  failures = failures + 1
  say("FAIL " .. string.format(...))
end

local NONE = { A = false, B = false, select = false, start = false,
               up = false, down = false, left = false, right = false }
local function step(buttons)
  local input = {}
  for k, v in pairs(NONE) do input[k] = v end
  if buttons then for k, v in pairs(buttons) do input[k] = v end end
  joypad.set(1, input)
  coroutine.yield()             -- the main chunk advances the frame
end
local function press(button)
  step({ [button] = true })
  step()
  step()
end

local function rd(a) return memory.readbyte(a) end
local function rd32(a) return rd(a) + 256 * rd(a + 1) + 65536 * rd(a + 2) + 16777216 * rd(a + 3) end
local function nibble(seed, d) return math.floor(seed / 16 ^ d) % 16 end
local function hex(a, n)
  local t = {}
  for i = 0, n - 1 do t[#t + 1] = string.format("%02x", rd(a + i)) end
  return n > 0 and table.concat(t) or "-"
end
local function tile_of(b)
  if b >= 0x20 and b <= 0x7E then return b end
  return PLACEHOLDER
end

local function choose_prompt(index)
  for _ = 1, 16 do
    if rd(RAM.UI_PROMPT) == index then return true end
    press("down")
  end
  fail("could not move the cursor to prompt %d (at %d)", index, rd(RAM.UI_PROMPT))
  return false
end

local function set_seed(seed)
  for d = 7, 0, -1 do
    for _ = 1, 8 do
      if rd(RAM.UI_DIGIT) == d then break end
      press("select")
    end
    if rd(RAM.UI_DIGIT) ~= d then
      fail("could not select seed digit %d", d) return false
    end
    local want = nibble(seed, d)
    for _ = 1, 8 do
      local have = nibble(rd32(RAM.UI_SEED), d)
      if have == want then break end
      local up = (want - have) % 16
      local button = up <= 8 and "right" or "left"
      press(button)
      local now = nibble(rd32(RAM.UI_SEED), d)
      local expect = (have + (button == "right" and 1 or -1)) % 16
      if now ~= expect then
        fail("seed digit %d: %s took %x to %x, not %x", d, button, have, now, expect) return false
      end
    end
  end
  if rd32(RAM.UI_SEED) ~= seed then
    fail("seed on screen is %08x, not %08x", rd32(RAM.UI_SEED), seed) return false
  end
  return true
end

-- the text area must hold exactly the tiles of the bytes in RAM, then spaces
local function check_screen(label)
  local n = rd(RAM.OUT_LEN)
  local bad = 0
  for k = 0, OUT_COLS * OUT_ROWS - 1 do
    local want = k < n and tile_of(rd(RAM.OUT + k)) or 0x20
    local addr = OUT_VRAM + math.floor(k / OUT_COLS) * 32 + k % OUT_COLS
    local got = ppu.readbyte(addr)
    if got ~= want then
      if bad < 5 then fail("%s: nametable $%04x (byte %d) is tile %02x, not %02x", label, addr, k, got, want) end
      bad = bad + 1
    end
  end
  return bad == 0
end

-- NTSC vblank is 20 scanlines = 2,273 CPU cycles from the NMI; the CPU may
-- first finish an instruction (up to 7 cycles) and the interrupt takes 7.
local NMI_LIMIT = 2273 - 14
local nmi_longest, nmi_count = 0, 0
local function time_nmi()
  if not (TLM.nmi and TLM.nmi_done) then return end
  local t0
  memory.registerexec(TLM.nmi, function() t0 = debugger.getcyclescount() end)
  memory.registerexec(TLM.nmi_done, function()
    if t0 then
      local d = debugger.getcyclescount() - t0
      if d > nmi_longest then nmi_longest = d end
      nmi_count = nmi_count + 1
    end
  end)
end

local function run()
  emu.speedmode("maximum")
  time_nmi()
  local results = assert(io.open(TLM.results, "w"))
  for _ = 1, 120 do
    if rd(RAM.MAGIC) == 0x54 and rd(RAM.MAGIC + 1) == 0x4C and rd(RAM.MAGIC + 2) == 0x4D and rd(RAM.MAGIC + 3) == 0x4E then break end
    step()
  end
  if rd(RAM.MAGIC) ~= 0x54 then fail("the shell did not start (no TLMN at $039A after 120 frames)") return end
  step()
  say("booted at frame %d: %d prompts, max length %d", emu.framecount(), rd(RAM.NPROMPTS), rd(RAM.MAXLEN))

  local n = 0
  for line in io.lines(TLM.cases) do
    local index, seed = line:gsub("#.*", ""):match("^%s*(%d+)%s+(%x+)%s*$")
    if index then
      n = n + 1
      index, seed = tonumber(index), tonumber(seed, 16)
      local label = string.format("case %d (prompt %d, seed %08x)", n, index, seed)
      if index >= rd(RAM.NPROMPTS) then fail("%s: the ROM has %d prompts", label, rd(RAM.NPROMPTS)) break end
      if not (choose_prompt(index) and set_seed(seed)) then break end
      local before = rd(RAM.GEN_COUNT)
      local f0 = emu.framecount()
      step({ A = true })
      local waited = 1
      while rd(RAM.GEN_COUNT) == before and waited < TLM.max_frames do
        step()
        waited = waited + 1
      end
      if rd(RAM.GEN_COUNT) == before then
        fail("%s: no result after %d frames (state %d, %d bytes)", label, waited, rd(RAM.STATE), rd(RAM.OUT_LEN))
        break
      end
      local frames = emu.framecount() - f0
      step()
      local len = rd(RAM.OUT_LEN)
      if rd(RAM.STATE) ~= 2 then fail("%s: state %d after done", label, rd(RAM.STATE)) end
      if rd(RAM.PROMPT_IX) ~= index then fail("%s: the shell used prompt %d", label, rd(RAM.PROMPT_IX)) end
      if rd32(RAM.SEED) ~= seed then fail("%s: the shell used seed %08x", label, rd32(RAM.SEED)) end
      if len > rd(RAM.MAXLEN) then fail("%s: %d bytes, more than the maximum", label, len) end
      results:write(string.format("%d %08x %s %s\n", index, seed, hex(RAM.PROMPT, rd(RAM.PROMPT_LEN)), hex(RAM.OUT, len)))
      results:flush()
      local screen_ok = check_screen(label)
      gui.savescreenshotas(string.format("%s/case%02d.png", TLM.shots, n))
      step()
      say("%s: %d bytes, stopped at %s, %d frames from A to done (shell: %d), screen %s",
          label, len, rd(RAM.END_REASON) == 1 and "end byte" or "max length", frames,
          rd(RAM.FRAMES) + 256 * rd(RAM.FRAMES + 1), screen_ok and "ok" or "WRONG")
    end
  end
  results:close()

  -- B clears the text
  press("B")
  for _ = 1, 8 do step() end
  if rd(RAM.OUT_LEN) ~= 0 or rd(RAM.STATE) ~= 0 then
    fail("after B: length %d, state %d", rd(RAM.OUT_LEN), rd(RAM.STATE))
  end
  if check_screen("after B") then say("B clears the text: ok") end
  gui.savescreenshotas(string.format("%s/cleared.png", TLM.shots))
  step()
  if TLM.nmi then
    say("NMI: %d timed, longest from the NMI to its last PPU write %d cycles (limit %d)",
        nmi_count, nmi_longest, NMI_LIMIT)
    if nmi_count == 0 then fail("no NMI was timed") end
    if nmi_longest > NMI_LIMIT then fail("an NMI wrote to the PPU after vblank") end
  end
  say("END %d cases, %d failures", n, failures)
end

-- run() is a coroutine that yields once per frame: a Lua error then ends in
-- resume() here and fceux still exits (an error at the top level would leave
-- it running until the timeout; pcall around emu.frameadvance is refused:
-- "attempt to yield across metamethod/C-call boundary").
local co = coroutine.create(run)
while true do
  local ok, err = coroutine.resume(co)
  if not ok then fail("Lua error: %s", tostring(err)) break end
  if coroutine.status(co) == "dead" then break end
  emu.frameadvance()
end
log:close()
emu.exit()
