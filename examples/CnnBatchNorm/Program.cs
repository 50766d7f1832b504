// A CNN with batch normalization on generated 16x16 images of one bar each: horizontal, vertical or diagonal
// (3 classes), on a noisy background.
//   conv 3x3 (8 filters, no bias: the batch norm's β replaces it) -> BatchNorm2d(8) -> ReLU -> max-pool 2
//   -> conv 3x3 (16) -> BatchNorm2d(16) -> ReLU -> max-pool 2 -> flatten -> dense -> 3 logits
// Adam, softmax cross-entropy, float64. Prints a progress line per epoch and the accuracy on fresh test images
// in evaluation mode (model.Accuracy uses Predict: batch norm normalizes with its running statistics, not the
// test batch's), and exits 1 if that accuracy is below 95 %.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using Corgi;
using Corgi.LinearAlgebra;
using Corgi.NN;

const int Size = 16;
const double RequiredAccuracy = 0.95;

Console.WriteLine(Blas.Summary);

var (train, trainLabels) = Bars(1200, seed: 1);
var (test, testLabels) = Bars(600, seed: 2);
var init = Initializer.He(seed: 3);
var model = new Model(new ILayer[]
{
    new Conv(inChannels: 1, outChannels: 8, kernelSize: 3, initializer: init, bias: false),   // 16 -> 14
    new BatchNorm2d(8),
    new Relu(),
    new MaxPool(2),                                                                           // 14 -> 7
    new Conv(inChannels: 8, outChannels: 16, kernelSize: 3, initializer: init, bias: false),  // 7 -> 5
    new BatchNorm2d(16),
    new Relu(),
    new MaxPool(2),                                                                           // 5 -> 2
    new Flatten(),
    new Dense(16 * 2 * 2, 3, init),
}, new Adam(learningRate: 0.01), Cost.SoftmaxCrossEntropy());

var clock = Stopwatch.StartNew();
Console.WriteLine($"before training: test accuracy {model.Accuracy(test, testLabels):P1} (chance: 33 %)");
model.Fit(train, trainLabels, new FitOptions { Epochs = 6, BatchSize = 32, Seed = 4 }, p => Console.WriteLine(p));
double accuracy = model.Accuracy(test, testLabels);
Console.WriteLine($"test accuracy in evaluation mode: {accuracy:P1} on {test.Shape[0]} new images (required: {RequiredAccuracy:P0}), {clock.Elapsed.TotalSeconds:F1} s");
return accuracy >= RequiredAccuracy ? 0 : 1;

// count images [count, 1, 16, 16] and labels [count]: 0 horizontal, 1 vertical, 2 diagonal (either direction).
// The bars vary in position and length; the background is uniform noise in [0, 0.4) and the bar pixels are in
// [0.6, 1), so a single pixel's brightness does not give the class away; the orientation does.
static (Tensor Images, Tensor Labels) Bars(int count, int seed)
{
    var random = new Random(seed);
    var pixels = new double[count * Size * Size];
    var labels = new double[count];
    for (int n = 0; n < count; n++)
    {
        int kind = random.Next(3);
        var image = pixels.AsSpan(n * Size * Size, Size * Size);
        for (int i = 0; i < image.Length; i++) image[i] = 0.4 * random.NextDouble();
        int length = random.Next(7, 13), from = random.Next(0, Size - length + 1), at = random.Next(1, Size - 1);
        int offset = random.Next(0, Size - length + 1);   // a diagonal's first column
        for (int k = from; k < from + length; k++)
        {
            double bright = 0.6 + 0.4 * random.NextDouble();
            switch (kind)
            {
                case 0: image[at * Size + k] = bright; break;                 // row `at`
                case 1: image[k * Size + at] = bright; break;                 // column `at`
                default:
                    // row k, going right-down from column `offset`, or left-down (mirrored) when `at` is odd
                    int col = offset + (k - from);
                    image[k * Size + (at % 2 == 0 ? col : Size - 1 - col)] = bright;
                    break;
            }
        }
        labels[n] = kind;
    }
    return (new Tensor(new[] { count, 1, Size, Size }, pixels), new Tensor(new[] { count }, labels));
}

/// <summary>ReLU as a layer of its own, so that it can follow the batch norm instead of the convolution.</summary>
sealed class Relu : ILayer
{
    public Tensor Forward(Tensor input) => input.Relu();

    public IReadOnlyList<Parameter> Parameters => Array.Empty<Parameter>();
}
