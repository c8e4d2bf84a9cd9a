//! Reading, cleaning and splitting documents into passages (issue 3).
