module Corgi.FSharp.Placeholder
