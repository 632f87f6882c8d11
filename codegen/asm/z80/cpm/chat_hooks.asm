; ---- the chat loop's hooks: nothing in chat mode (game.asm fills them) ----
gamestart:
lineprefix:
symhook:
gameend:
        ret
