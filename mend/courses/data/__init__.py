"""Demo course content: plain data that `mend.courses.demo` turns into pages."""
