// Translation unit that compiles the precompiled header (core/pch.h) once.
