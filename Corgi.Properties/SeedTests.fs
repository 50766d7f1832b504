module Corgi.Properties.SeedTests
