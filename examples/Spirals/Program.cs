// A Dense classifier on the two-spirals set (CS231n): 2 -> 64 (ReLU) -> 64 (ReLU) -> 2 (logits),
// softmax cross-entropy, Adam, trained with Model.Fit; prints one progress line per epoch and the
// final training accuracy, with a map of the learned decision regions.
using System;
using System.Diagnostics;
using Corgi;
using Corgi.Data;
using Corgi.LinearAlgebra;
using Corgi.NN;

Console.WriteLine(Blas.Summary);

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
PrintDecisionRegions(model, data);
Console.WriteLine($"training accuracy: {accuracy:P1} on {data.Inputs.Shape[0]} points ({clock.Elapsed.TotalSeconds:F1} s)");
return accuracy >= 0.95 ? 0 : 1;

// Classifies a grid over [-1.1, 1.1]^2 in one batch and draws it: '.' and ':' are the regions the model
// gives to class 0 and class 1, 'o' and 'x' the training points of each class.
static void PrintDecisionRegions(Model model, ClassificationData data)
{
    const int cols = 64, rows = 28;
    const double lo = -1.1, hi = 1.1;
    var grid = new double[rows * cols * 2];
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++)
        {
            grid[2 * (r * cols + c)] = lo + (hi - lo) * (c + 0.5) / cols;
            grid[2 * (r * cols + c) + 1] = hi - (hi - lo) * (r + 0.5) / rows;
        }
    var classes = model.Predict(new Tensor(new[] { rows * cols, 2 }, grid)).ArgMax(1);
    var canvas = new char[rows, cols];
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) canvas[r, c] = classes[r * cols + c] == 0 ? '.' : ':';
    for (int i = 0; i < data.Inputs.Shape[0]; i++)
    {
        int c = (int)((data.Inputs[i, 0] - lo) / (hi - lo) * cols), r = (int)((hi - data.Inputs[i, 1]) / (hi - lo) * rows);
        if (r >= 0 && r < rows && c >= 0 && c < cols) canvas[r, c] = data.Labels[i] == 0 ? 'o' : 'x';
    }
    Console.WriteLine("decision regions ('.' class 0, ':' class 1; points 'o' class 0, 'x' class 1):");
    for (int r = 0; r < rows; r++)
    {
        var line = new char[cols];
        for (int c = 0; c < cols; c++) line[c] = canvas[r, c];
        Console.WriteLine("  " + new string(line));
    }
}
