"""greet: the valid module of the broken fixture."""


def greeting(name, excited=False):
    if not name:
        name = "stranger"
    mark = "!" if excited else "."
    return "Hello, " + name + mark
