"""The workspace facts: the model and its loading (workspace), waivers, plan tasks listed under several 序号."""
