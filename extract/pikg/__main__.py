from pikg.cli import app

app(prog_name="pikg")
