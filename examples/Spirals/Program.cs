// A Dense classifier on the two-spirals set (CS231n): 2 -> 64 (ReLU) -> 64 (ReLU) -> 2 (logits),
// softmax cross-entropy, Adam, trained with Model.Fit; prints one progress line per epoch and the
// final training accuracy.
using System;
using System.Diagnostics;
using Corgi.Data;
using Corgi.NN;

var data = TwoSpirals.Generate(pointsPerClass: 200, seed: 1);
var init = Initializer.He(seed: 2);
var model = new Model(new ILayer[]
{
    new Dense(2, 64, init, Activation.Relu()),
    new Dense(64, 64, init, Activation.Relu()),
    new Dense(64, data.Classes, init),
}, new Adam(learningRate: 0.01), Cost.SoftmaxCrossEntropy());

var clock = Stopwatch.StartNew();
model.Fit(data.Inputs, data.Labels, new FitOptions { Epochs = 60, BatchSize = 20, Seed = 3 },
    p => Console.WriteLine(p));
double accuracy = model.Accuracy(data.Inputs, data.Labels);
Console.WriteLine($"training accuracy: {accuracy:P1} on {data.Inputs.Shape[0]} points ({clock.Elapsed.TotalSeconds:F1} s)");
return accuracy >= 0.95 ? 0 : 1;
