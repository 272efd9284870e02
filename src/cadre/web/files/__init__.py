"""Personal files: the questionnaire, references, screening decisions and the file's workflow status."""
