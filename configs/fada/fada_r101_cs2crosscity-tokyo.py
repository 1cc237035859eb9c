# FADA stage 2 for Cityscapes -> Cross-City Tokyo: as
# fada_r101_cs2crosscity-rome.py with another target city.
_base_ = ['./fada_r101_cs2crosscity-rome.py']
city = 'Tokyo'
train_dataloader = dict(dataset=dict(target=dict(city=city)))
val_dataloader = dict(dataset=dict(city=city))
test_dataloader = val_dataloader
